/**
 * Every row of the bench, in the order printed. Each transport keeps its rows
 * and server kinds in its own module under rows/.
 */
import type { Row, StartServer } from './rows/row.js';
import * as socket from './rows/socket.js';

const modules: { rows: Row[]; servers: Record<string, StartServer> }[] = [socket];

export type { Row };
export const rows: Row[] = modules.flatMap((m) => m.rows);
export const servers: Record<string, StartServer> = Object.assign({}, ...modules.map((m) => m.servers));
