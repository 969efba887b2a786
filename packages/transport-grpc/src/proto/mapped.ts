/** What mapping one zod value gives, and the names and errors every part of the mapping shares. */
import type { FieldType, ScalarName } from './model.js';
import type { Plan } from './plan.js';

/** A zod type with no protobuf mapping; the message names the field. */
export class ProtoMappingError extends TypeError {
  override readonly name = 'ProtoMappingError';
}

/** A protobuf identifier: field, message and enum value names. */
export const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `countdown` → `Countdown` */
export const pascal = (name: string): string => `${name[0]?.toUpperCase() ?? ''}${name.slice(1)}`;

/** An RPC's name, PascalCase as protobuf style wants: `listOrders`, `list_orders` → `ListOrders`. */
export const rpcName = (name: string): string => name.split('_').map(pascal).join('');

/** `orderId` → `order_id`, `HTTPCode` → `http_code`: protobuf's field style. */
export const snake = (name: string): string =>
  name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();

/** `order_status` → `ORDER_STATUS`: protobuf's enum value style. */
export const upperSnake = (name: string): string => snake(name).toUpperCase();

/** A value's type in a field, with what repeated/map/optional it needs. */
export interface Mapped {
  readonly type: FieldType;
  readonly plan: Plan | undefined;
  readonly repeated?: boolean;
  readonly mapKey?: ScalarName;
}
