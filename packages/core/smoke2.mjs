import { z } from 'zod';
import { defineService, unary, implement, serve, connect, createClient, memoryTransport } from './dist/index.js';
const Calc = defineService('Calculator', { add: unary({ input: z.object({ a: z.number(), b: z.number() }), output: z.number() }) });
const t = memoryTransport();
const server = await serve(implement(Calc, { add: ({a,b}) => a+b }), { listen: ['memory://calc'], transports: [t] });
const ch = await connect('memory://calc', { transports: [t] });
const calc = createClient(Calc, ch);
for (let r = 0; r < 5; r++) { let t0 = performance.now(); for (let i=0;i<100000;i++) await calc.add({a:i,b:1}); console.log('seq us/call', ((performance.now()-t0)*1000/100000).toFixed(2)); }
await ch.close(); await server.close();
