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
