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

/** A value's type in a field, with what repeated/map/optional it needs. */
export interface Mapped {
  readonly type: FieldType;
  readonly plan: Plan | undefined;
  readonly repeated?: boolean;
  readonly mapKey?: ScalarName;
}
