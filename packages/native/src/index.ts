export { tryFlock, type FlockOperation } from './flock.js';
export { isProcessAlive, processOwner, processStartTime } from './process.js';
export { SHM_DIR, checkSegmentName, createSegment, openSegment, removeSegment, removeDeadDrafts, type Segment } from './shm.js';
export { currentCpu, futexWake, FutexWaiter, schedYield } from './futex.js';
export { watchProcessExit, isProcessRunning, type ExitWatchOptions } from './exit-watch.js';
