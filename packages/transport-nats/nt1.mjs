import { connect, headers, createInbox } from '@nats-io/transport-node';
const nc = await connect({ servers: '127.0.0.1:4222' });
console.log(nc.info.max_payload, nc.info.headers, nc.info.jetstream);
const inbox = createInbox();
nc.subscribe(`${inbox}.>`, { callback: (err, m) => console.log('got', err, m.subject, m.headers?.code, m.headers?.status, m.data.length) });
nc.publish('nobody.here.x', 'hi', { reply: `${inbox}.7` });
await nc.flush();
await new Promise(r => setTimeout(r, 200));
try { await connect({ servers: '127.0.0.1:4222', user: 'x', pass: 'y' }); } catch (e) { console.log('auth', e.constructor.name, e.message, e.code); }
try { await connect({ servers: '127.0.0.1:4299', reconnect: false }); } catch (e) { console.log('down', e.constructor.name, e.message, e.code); }
await nc.close();
