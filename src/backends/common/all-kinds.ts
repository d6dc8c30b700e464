/**
 * Every module that defines a kind of shared object, loaded together (see shared-kinds.ts): one module for
 * a worker to load the first time any shared object arrives, and one chunk in the bundle instead of fifteen.
 */
import '../../sync/lock.ts';
import '../../sync/rlock.ts';
import '../../sync/semaphore.ts';
import '../../sync/condition.ts';
import '../../sync/event.ts';
import '../../sync/barrier.ts';
import '../../channels/queue.ts';
import '../../channels/lifo-queue.ts';
import '../../channels/priority-queue.ts';
import '../../channels/simple-queue.ts';
import '../../channels/joinable-queue.ts';
import '../../channels/pipe.ts';
import '../../shared/shared-array.ts';
import '../../shared/value.ts';
import '../../shm/shared-memory.ts';
import '../../shm/process-lock.ts';
import '../../shm/process-semaphore.ts';
import '../../manager/proxies/dict.ts';
import '../../manager/proxies/list.ts';
import '../../manager/proxies/namespace.ts';
import '../../manager/proxies/value.ts';
import '../../manager/proxies/lock.ts';
import '../../manager/proxies/rlock.ts';
import '../../manager/proxies/semaphore.ts';
import '../../manager/proxies/condition.ts';
import '../../manager/proxies/event.ts';
import '../../manager/proxies/barrier.ts';
import '../../manager/proxies/queue.ts';
import '../../manager/proxies/joinable-queue.ts';
import '../../manager/proxies/pipe.ts';
