export { tryFlock, type FlockOperation } from './flock.js';
export { isProcessAlive, processOwner, processStartTime } from './process.js';
