/**
 * Every module that defines a kind of shared object, loaded together (see shared-kinds.ts): one module for
 * a worker to load the first time any shared object arrives, and one chunk in the bundle instead of fifteen.
 *
 * The modules are imported as namespaces and listed in {@link kindModules}, not as bare `import './x.ts'`: the
 * package is marked free of side effects, so a bundler drops a bare import, and with it the module's
 * registerShareable call, which is the whole point of loading it.
 */
import * as syncLock from '../../sync/lock.ts';
import * as syncRlock from '../../sync/rlock.ts';
import * as syncSemaphore from '../../sync/semaphore.ts';
import * as syncCondition from '../../sync/condition.ts';
import * as syncEvent from '../../sync/event.ts';
import * as syncBarrier from '../../sync/barrier.ts';
import * as channelsQueue from '../../channels/queue.ts';
import * as channelsLifoQueue from '../../channels/lifo-queue.ts';
import * as channelsPriorityQueue from '../../channels/priority-queue.ts';
import * as channelsSimpleQueue from '../../channels/simple-queue.ts';
import * as channelsJoinableQueue from '../../channels/joinable-queue.ts';
import * as channelsPipe from '../../channels/pipe.ts';
import * as sharedSharedArray from '../../shared/shared-array.ts';
import * as sharedValue from '../../shared/value.ts';
import * as shmSharedMemory from '../../shm/shared-memory.ts';
import * as shmProcessLock from '../../shm/process-lock.ts';
import * as shmProcessSemaphore from '../../shm/process-semaphore.ts';
import * as proxiesDict from '../../manager/proxies/dict.ts';
import * as proxiesList from '../../manager/proxies/list.ts';
import * as proxiesNamespace from '../../manager/proxies/namespace.ts';
import * as proxiesValue from '../../manager/proxies/value.ts';
import * as proxiesLock from '../../manager/proxies/lock.ts';
import * as proxiesRlock from '../../manager/proxies/rlock.ts';
import * as proxiesSemaphore from '../../manager/proxies/semaphore.ts';
import * as proxiesCondition from '../../manager/proxies/condition.ts';
import * as proxiesEvent from '../../manager/proxies/event.ts';
import * as proxiesBarrier from '../../manager/proxies/barrier.ts';
import * as proxiesQueue from '../../manager/proxies/queue.ts';
import * as proxiesJoinableQueue from '../../manager/proxies/joinable-queue.ts';
import * as proxiesLifoQueue from '../../manager/proxies/lifo-queue.ts';
import * as proxiesPriorityQueue from '../../manager/proxies/priority-queue.ts';
import * as proxiesSimpleQueue from '../../manager/proxies/simple-queue.ts';
import * as proxiesPipe from '../../manager/proxies/pipe.ts';

/** Every kind module, referenced so that bundling keeps each one (and its registration). */
export const kindModules: readonly object[] = [
  syncLock,
  syncRlock,
  syncSemaphore,
  syncCondition,
  syncEvent,
  syncBarrier,
  channelsQueue,
  channelsLifoQueue,
  channelsPriorityQueue,
  channelsSimpleQueue,
  channelsJoinableQueue,
  channelsPipe,
  sharedSharedArray,
  sharedValue,
  shmSharedMemory,
  shmProcessLock,
  shmProcessSemaphore,
  proxiesDict,
  proxiesList,
  proxiesNamespace,
  proxiesValue,
  proxiesLock,
  proxiesRlock,
  proxiesSemaphore,
  proxiesCondition,
  proxiesEvent,
  proxiesBarrier,
  proxiesQueue,
  proxiesJoinableQueue,
  proxiesLifoQueue,
  proxiesPriorityQueue,
  proxiesSimpleQueue,
  proxiesPipe,
];
