/**
 * Every row of the bench, in the order printed. Each transport keeps its rows
 * and server kinds in its own module under rows/.
 */
import type { Row, StartServer } from './rows/row.js';
import * as pipe from './rows/pipe.js';
import * as nats from './rows/nats.js';
import * as redis from './rows/redis.js';
import * as amqp from './rows/amqp.js';
import * as mqtt from './rows/mqtt.js';
import * as shm from './rows/shm.js';
import * as file from './rows/file.js';
import * as grpc from './rows/grpc.js';
import * as socket from './rows/socket.js';
import * as streams from './rows/streams.js';
import * as trpc from './rows/trpc.js';
import * as web from './rows/web.js';

const modules: { rows: Row[]; servers: Record<string, StartServer> }[] = [
  socket,
  pipe,
  shm,
  trpc,
  web,
  redis,
  nats,
  amqp,
  mqtt,
  file,
  grpc,
  streams,
];

export type { Row };
export const rows: Row[] = modules.flatMap((m) => m.rows);
export const servers: Record<string, StartServer> = Object.assign({}, ...modules.map((m) => m.servers));
