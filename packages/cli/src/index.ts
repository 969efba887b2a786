export { main, exitStatus, USAGE } from './main.js';
export type { Io } from './io.js';
export { generateFromProto, type GeneratedFile } from './gen/from-proto.js';
export { generateFromZod, servicesIn } from './gen/from-zod.js';
