/**
 * A small model of one .proto file — what a zod service maps to — from which
 * both its FileDescriptorProto (for the wire and for reflection) and its
 * .proto text (for other languages) are made, so the two cannot disagree.
 */
import { create } from '@bufbuild/protobuf';
import {
  DescriptorProtoSchema,
  EnumDescriptorProtoSchema,
  FieldDescriptorProto_Label as Label,
  FieldDescriptorProto_Type as Type,
  FieldDescriptorProtoSchema,
  FileDescriptorProtoSchema,
  type DescriptorProto,
  type EnumDescriptorProto,
  type FileDescriptorProto,
} from '@bufbuild/protobuf/wkt';

/** The scalar types a field may have, by their .proto names. */
export type ScalarName = 'double' | 'float' | 'int32' | 'uint32' | 'int64' | 'bool' | 'string' | 'bytes';

const scalarTypes: Record<ScalarName, Type> = {
  double: Type.DOUBLE,
  float: Type.FLOAT,
  int32: Type.INT32,
  uint32: Type.UINT32,
  int64: Type.INT64,
  bool: Type.BOOL,
  string: Type.STRING,
  bytes: Type.BYTES,
};

/** A field's type: a scalar, or a message or enum by its fully qualified name. */
export type FieldType = { readonly scalar: ScalarName } | { readonly message: string } | { readonly enum: string };

export interface FieldModel {
  readonly name: string;
  readonly number: number;
  /** The JSON name: the zod key, so the proto3 JSON form is the zod wire form. */
  readonly jsonName: string;
  readonly type: FieldType;
  /** `repeated`, or not (an optional field is the one member of a oneof, for explicit presence). */
  readonly label?: 'repeated';
  /** For maps: the key's scalar type (the field is then `map<key, type>`). */
  readonly mapKey?: ScalarName;
  /** Index into the message's `oneofs`, for members of a real oneof. */
  readonly oneof?: number;
  readonly description?: string;
}

export interface EnumModel {
  readonly kind: 'enum';
  readonly name: string;
  /** By number: the first (0) is `<ENUM>_UNSPECIFIED`, which zod reads as absent. */
  readonly values: readonly string[];
  readonly description?: string;
}

export interface MessageModel {
  readonly kind: 'message';
  readonly name: string;
  readonly fields: FieldModel[];
  readonly oneofs: string[];
  readonly nested: (MessageModel | EnumModel)[];
  readonly description?: string;
}

export interface MethodModel {
  readonly name: string;
  /** Fully qualified message names. */
  readonly input: string;
  readonly output: string;
  readonly serverStreaming: boolean;
  readonly clientStreaming?: boolean;
  readonly description?: string;
}

export interface FileModel {
  /** The file's path, `conformance/conformance.proto`. */
  readonly name: string;
  /** The package, '' for none. */
  readonly package: string;
  /** Files imported (well-known types). */
  readonly imports: Set<string>;
  readonly messages: MessageModel[];
  readonly service: { readonly name: string; readonly methods: MethodModel[]; readonly description?: string };
}

/** An empty message model. */
export function message(name: string, description?: string): MessageModel {
  return { kind: 'message', name, fields: [], oneofs: [], nested: [], ...(description ? { description } : {}) };
}

const dot = (name: string): string => `.${name}`;

/** The nested message a `map<k, v>` field stands for: `<Name>Entry { key = 1; value = 2; }`. */
export function mapEntryName(field: string): string {
  return `${field[0]?.toUpperCase() ?? ''}${field.slice(1)}Entry`;
}

function typeOf(t: FieldType): { type: Type; typeName?: string } {
  if ('scalar' in t) return { type: scalarTypes[t.scalar] };
  return 'message' in t ? { type: Type.MESSAGE, typeName: dot(t.message) } : { type: Type.ENUM, typeName: dot(t.enum) };
}

function addField(fullName: string, f: FieldModel, out: DescriptorProto): void {
  if (f.mapKey !== undefined) {
    const entry = mapEntryName(f.name);
    out.nestedType.push(
      create(DescriptorProtoSchema, {
        name: entry,
        field: [
          { name: 'key', number: 1, label: Label.OPTIONAL, type: scalarTypes[f.mapKey], jsonName: 'key' },
          { name: 'value', number: 2, label: Label.OPTIONAL, jsonName: 'value', ...typeOf(f.type) },
        ],
        options: { mapEntry: true },
      }),
    );
    out.field.push(
      create(FieldDescriptorProtoSchema, {
        name: f.name,
        number: f.number,
        label: Label.REPEATED,
        type: Type.MESSAGE,
        typeName: dot(`${fullName}.${entry}`),
        jsonName: f.jsonName,
      }),
    );
    return;
  }
  out.field.push(
    create(FieldDescriptorProtoSchema, {
      name: f.name,
      number: f.number,
      label: f.label === 'repeated' ? Label.REPEATED : Label.OPTIONAL,
      jsonName: f.jsonName,
      ...typeOf(f.type),
      ...(f.oneof === undefined ? {} : { oneofIndex: f.oneof }),
    }),
  );
}

function messageProto(fullName: string, m: MessageModel): DescriptorProto {
  const out = create(DescriptorProtoSchema, { name: m.name, oneofDecl: m.oneofs.map((name) => ({ name })) });
  for (const n of m.nested) {
    if (n.kind === 'message') out.nestedType.push(messageProto(`${fullName}.${n.name}`, n));
    else out.enumType.push(enumProto(n));
  }
  for (const f of m.fields) addField(fullName, f, out);
  return out;
}

function enumProto(e: EnumModel): EnumDescriptorProto {
  return create(EnumDescriptorProtoSchema, { name: e.name, value: e.values.map((name, number) => ({ name, number })) });
}

/** The FileDescriptorProto of a file model. */
export function toFileDescriptor(file: FileModel): FileDescriptorProto {
  const prefix = file.package === '' ? '' : `${file.package}.`;
  return create(FileDescriptorProtoSchema, {
    name: file.name,
    package: file.package,
    syntax: 'proto3',
    dependency: [...file.imports].sort(),
    messageType: file.messages.map((m) => messageProto(`${prefix}${m.name}`, m)),
    service: [
      {
        name: file.service.name,
        method: file.service.methods.map((m) => ({
          name: m.name,
          inputType: dot(m.input),
          outputType: dot(m.output),
          ...(m.serverStreaming ? { serverStreaming: true } : {}),
          ...(m.clientStreaming ? { clientStreaming: true } : {}),
        })),
      },
    ],
  });
}
