// spindle_shm: the JavaScript face of shm.cc and futex.cc.
//
//   create(name, size, keep)  → SharedArrayBuffer over a new block (throws an ErrnoException: EEXIST, ...)
//   attach(name)              → SharedArrayBuffer over an existing block (ENOENT, ...)
//   unlink(name)
//   createAnonymous(size)     → [fd, SharedArrayBuffer] over a new nameless block, fd left open to pass on
//   attachDescriptor(fd)      → SharedArrayBuffer over the block behind fd (which it closes)
//   closeDescriptor(fd)       closes the fd createAnonymous returned (fs.closeSync would do, but in a worker
//                             thread Node warns about closing a descriptor its fs module did not open)
//   wait(sab, byteOffset, expected, timeoutMs)            → 0 woken | 1 not-equal | 2 timed-out   (blocks)
//   waitAsync(sab, byteOffset, expected, timeoutMs, cb)   → false if too many waits are in flight, else
//                                                            true and cb(outcome) later, on this thread
//   wake(sab, byteOffset, count)                          → waiters woken
//   copyBytes(view)           → ArrayBuffer holding a copy of the view's bytes, in a block of copy-pool.cc
//   trimCopies(minIdleMs)     → unmaps the pool's blocks idle that long; returns the bytes it still keeps
//   collectorFunction()       → V8's gc(), as --expose-gc would install it (see CollectorFunction)
//
// The memory is a real SharedArrayBuffer whose backing store is the mapping itself (no copy), so Atomics
// work on it and it can be posted to worker threads; the mapping is unmapped when the last SharedArrayBuffer
// over it, in any thread, is garbage-collected. This needs V8's BackingStore API, which N-API does not
// offer, so the addon is written against node.h/v8.h and is context-aware (NODE_MODULE_INIT): each thread
// that loads it gets its own instance data. The price is that it is tied to the Node version it was built
// for: after a Node upgrade it fails to load (NativeUnavailableError says so) until `npm rebuild spindle`.
//
// waitAsync runs one futex wait on the libuv thread pool. That pool is shared by the whole process (fs, dns,
// crypto, zlib), so at most kMaxAsyncWaits waits occupy it at a time, process-wide; the JavaScript side
// polls instead past that. Each wait is one short slice (the caller bounds timeoutMs), so a pool thread is
// handed back to queued work between slices. A thread that stops (a worker terminated mid-wait) wakes its
// own waits and Node waits for them to come back before tearing the thread down, through an asynchronous
// environment cleanup hook.
#include <node.h>
#include <uv.h>
#include <v8.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>

#include "copy-pool.h"
#include "futex.h"
#include "shm.h"

namespace spindle {

namespace {

using v8::Context;
using v8::External;
using v8::Function;
using v8::FunctionCallbackInfo;
using v8::FunctionTemplate;
using v8::Global;
using v8::HandleScope;
using v8::Integer;
using v8::Isolate;
using v8::Local;
using v8::Object;
using v8::SharedArrayBuffer;
using v8::String;
using v8::Value;

constexpr int kMaxAsyncWaits = 2;
std::atomic<int> async_waits{0};

struct AsyncWait;

// One per thread (V8 isolate + Node environment) that loaded the addon.
struct Instance {
  Isolate* isolate;
  Global<Context> context;
  std::list<AsyncWait*> in_flight;
  std::atomic<bool> stopping{false};
  node::AsyncCleanupHookHandle cleanup_hook;
  void (*cleanup_done)(void*) = nullptr;
  void* cleanup_done_arg = nullptr;
};

struct AsyncWait {
  uv_work_t request;
  Instance* instance;
  std::shared_ptr<v8::BackingStore> store;  // keeps the mapping alive while the pool thread sleeps on it
  int32_t* word;
  int32_t expected;
  int64_t timeout_ns;
  WaitOutcome outcome = WaitOutcome::kWoken;
  Global<Function> callback;
  std::list<AsyncWait*>::iterator position;
};

void ThrowTypeError(Isolate* isolate, const char* message) {
  isolate->ThrowException(v8::Exception::TypeError(String::NewFromUtf8(isolate, message).ToLocalChecked()));
}

void ThrowErrno(Isolate* isolate, const SysError& error, const std::string& name) {
  isolate->ThrowException(node::ErrnoException(isolate, error.errnum, error.syscall, nullptr, name.c_str()));
}

bool GetName(const FunctionCallbackInfo<Value>& args, int index, std::string* out) {
  Isolate* isolate = args.GetIsolate();
  if (!args[index]->IsString()) {
    ThrowTypeError(isolate, "name must be a string");
    return false;
  }
  String::Utf8Value name(isolate, args[index]);
  out->assign(*name, name.length());
  return true;
}

void Unmap(void* data, size_t length, void* /* deleter_data */) { UnmapBlock(data, length); }

Local<SharedArrayBuffer> Wrap(Isolate* isolate, const Mapping& mapping) {
  std::unique_ptr<v8::BackingStore> store =
      SharedArrayBuffer::NewBackingStore(mapping.data, mapping.size, Unmap, nullptr);
  return SharedArrayBuffer::New(isolate, std::move(store));
}

void Create(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  std::string name;
  if (!GetName(args, 0, &name)) return;
  if (!args[1]->IsNumber() || !args[2]->IsBoolean()) return ThrowTypeError(isolate, "create(name, size, keep)");
  double size = args[1].As<v8::Number>()->Value();
  if (!(size >= 1 && size <= 9007199254740991.0) || std::floor(size) != size)
    return ThrowTypeError(isolate, "size must be a positive safe integer");
  Mapping mapping;
  SysError error;
  bool keep = args[2]->IsTrue();
  if (!CreateBlock(name, static_cast<size_t>(size), !keep, &mapping, &error)) return ThrowErrno(isolate, error, name);
  args.GetReturnValue().Set(Wrap(isolate, mapping));
}

void Attach(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  std::string name;
  if (!GetName(args, 0, &name)) return;
  Mapping mapping;
  SysError error;
  if (!AttachBlock(name, &mapping, &error)) return ThrowErrno(isolate, error, name);
  args.GetReturnValue().Set(Wrap(isolate, mapping));
}

void CreateAnonymous(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  if (!args[0]->IsNumber()) return ThrowTypeError(isolate, "createAnonymous(size)");
  double size = args[0].As<v8::Number>()->Value();
  if (!(size >= 1 && size <= 9007199254740991.0) || std::floor(size) != size)
    return ThrowTypeError(isolate, "size must be a positive safe integer");
  Mapping mapping;
  SysError error;
  int fd = -1;
  if (!CreateAnonymousBlock(static_cast<size_t>(size), &fd, &mapping, &error))
    return ThrowErrno(isolate, error, "memfd");
  Local<Context> context = isolate->GetCurrentContext();
  Local<v8::Array> pair = v8::Array::New(isolate, 2);
  pair->Set(context, 0, Integer::New(isolate, fd)).Check();
  pair->Set(context, 1, Wrap(isolate, mapping)).Check();
  args.GetReturnValue().Set(pair);
}

void AttachDescriptorFn(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  if (!args[0]->IsInt32() || args[0].As<v8::Int32>()->Value() < 0)
    return ThrowTypeError(isolate, "attachDescriptor(fd)");
  Mapping mapping;
  SysError error;
  if (!AttachDescriptor(args[0].As<v8::Int32>()->Value(), &mapping, &error))
    return ThrowErrno(isolate, error, "fd");
  args.GetReturnValue().Set(Wrap(isolate, mapping));
}

void CloseDescriptorFn(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  if (!args[0]->IsInt32() || args[0].As<v8::Int32>()->Value() < 0)
    return ThrowTypeError(isolate, "closeDescriptor(fd)");
  SysError error;
  if (!CloseDescriptor(args[0].As<v8::Int32>()->Value(), &error)) ThrowErrno(isolate, error, "fd");
}

void Unlink(const FunctionCallbackInfo<Value>& args) {
  std::string name;
  if (!GetName(args, 0, &name)) return;
  SysError error;
  if (!UnlinkBlock(name, &error)) ThrowErrno(args.GetIsolate(), error, name);
}

// The aligned int32 at `byteOffset` of the SharedArrayBuffer in args[0], or nullptr (with a TypeError thrown).
int32_t* WordAt(const FunctionCallbackInfo<Value>& args, std::shared_ptr<v8::BackingStore>* store = nullptr) {
  Isolate* isolate = args.GetIsolate();
  if (!args[0]->IsSharedArrayBuffer() || !args[1]->IsUint32()) {
    ThrowTypeError(isolate, "expected a SharedArrayBuffer and a byte offset");
    return nullptr;
  }
  Local<SharedArrayBuffer> buffer = args[0].As<SharedArrayBuffer>();
  uint32_t offset = args[1].As<v8::Uint32>()->Value();
  if (offset % 4 != 0 || static_cast<size_t>(offset) + 4 > buffer->ByteLength()) {
    ThrowTypeError(isolate, "the byte offset must be 4-aligned and inside the buffer");
    return nullptr;
  }
  if (store != nullptr) *store = buffer->GetBackingStore();
  return reinterpret_cast<int32_t*>(static_cast<char*>(buffer->Data()) + offset);
}

// Milliseconds (a double, possibly fractional) to nanoseconds, clamped to [0, a day].
bool TimeoutNs(const FunctionCallbackInfo<Value>& args, int index, int64_t* out) {
  if (!args[index]->IsNumber()) {
    ThrowTypeError(args.GetIsolate(), "timeout must be a number of milliseconds");
    return false;
  }
  double ms = args[index].As<v8::Number>()->Value();
  if (!(ms > 0)) ms = 0;
  if (ms > 86400000.0) ms = 86400000.0;
  *out = static_cast<int64_t>(ms * 1e6);
  return true;
}

void Wait(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  int32_t* word = WordAt(args);
  if (word == nullptr) return;
  int64_t timeout_ns;
  if (!args[2]->IsInt32() || !TimeoutNs(args, 3, &timeout_ns))
    return ThrowTypeError(isolate, "wait(buffer, byteOffset, expected, timeoutMs)");
  int error;
  WaitOutcome outcome = FutexWait(word, args[2].As<v8::Int32>()->Value(), timeout_ns, &error);
  if (error != 0) {
    isolate->ThrowException(node::ErrnoException(isolate, error, "futex"));
    return;
  }
  args.GetReturnValue().Set(static_cast<int>(outcome));
}

void Wake(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  int32_t* word = WordAt(args);
  if (word == nullptr) return;
  if (!args[2]->IsNumber()) return ThrowTypeError(isolate, "wake(buffer, byteOffset, count)");
  double count = args[2].As<v8::Number>()->Value();
  int woken = FutexWake(word, count >= INT_MAX ? INT_MAX : static_cast<int32_t>(count));
  if (woken < 0) {
    isolate->ThrowException(node::ErrnoException(isolate, -woken, "futex"));
    return;
  }
  args.GetReturnValue().Set(woken);
}

void FinishCleanup(Instance* instance) {
  void (*done)(void*) = instance->cleanup_done;
  void* done_arg = instance->cleanup_done_arg;
  delete instance;
  done(done_arg);
}

void RunWait(uv_work_t* request) {
  auto* wait = static_cast<AsyncWait*>(request->data);
  if (wait->instance->stopping.load()) return;
  int error;
  wait->outcome = FutexWait(wait->word, wait->expected, wait->timeout_ns, &error);
  // An error here (EFAULT, ENOSYS) would be one the synchronous wait reports first; to this caller it is
  // an early wake-up, after which it re-checks its condition.
}

void AfterWait(uv_work_t* request, int /* status */) {
  auto* wait = static_cast<AsyncWait*>(request->data);
  Instance* instance = wait->instance;
  async_waits.fetch_sub(1);
  instance->in_flight.erase(wait->position);
  if (instance->stopping.load()) {
    delete wait;
    if (instance->in_flight.empty() && instance->cleanup_done != nullptr) FinishCleanup(instance);
    return;
  }
  Isolate* isolate = instance->isolate;
  HandleScope scope(isolate);
  Local<Context> context = instance->context.Get(isolate);
  Context::Scope context_scope(context);
  Local<Function> callback = wait->callback.Get(isolate);
  Local<Value> argv[] = {Integer::New(isolate, static_cast<int>(wait->outcome))};
  delete wait;
  // MakeCallback runs the microtasks the callback queues (the promise it resolves), as any libuv callback does.
  node::MakeCallback(isolate, context->Global(), callback, 1, argv, {0, 0});
}

void WaitAsync(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  auto* instance = static_cast<Instance*>(args.Data().As<External>()->Value());
  std::shared_ptr<v8::BackingStore> store;
  int32_t* word = WordAt(args, &store);
  if (word == nullptr) return;
  int64_t timeout_ns;
  if (!args[2]->IsInt32() || !TimeoutNs(args, 3, &timeout_ns) || !args[4]->IsFunction())
    return ThrowTypeError(isolate, "waitAsync(buffer, byteOffset, expected, timeoutMs, callback)");
  if (async_waits.fetch_add(1) >= kMaxAsyncWaits) {
    async_waits.fetch_sub(1);
    args.GetReturnValue().Set(false);
    return;
  }
  auto* wait = new AsyncWait();
  wait->request.data = wait;
  wait->instance = instance;
  wait->store = std::move(store);
  wait->word = word;
  wait->expected = args[2].As<v8::Int32>()->Value();
  wait->timeout_ns = timeout_ns;
  wait->callback.Reset(isolate, args[4].As<Function>());
  wait->position = instance->in_flight.insert(instance->in_flight.end(), wait);
  int rc = uv_queue_work(node::GetCurrentEventLoop(isolate), &wait->request, RunWait, AfterWait);
  if (rc != 0) {
    async_waits.fetch_sub(1);
    instance->in_flight.erase(wait->position);
    delete wait;
    isolate->ThrowException(node::UVException(isolate, rc, "uv_queue_work"));
    return;
  }
  args.GetReturnValue().Set(true);
}

// The thread is stopping: wake our pool waits so they return at once, and tell Node we are done once the
// last one has come back (AfterWait), so it never closes the loop with our requests still on it.
void OnCleanup(void* arg, void (*done)(void*), void* done_arg) {
  auto* instance = static_cast<Instance*>(arg);
  instance->stopping.store(true);
  instance->cleanup_done = done;
  instance->cleanup_done_arg = done_arg;
  // A wake reaches every waiter on the word, other threads' and processes' too: to them it is a spurious
  // wake-up, which every waiter is written to expect.
  for (AsyncWait* wait : instance->in_flight) FutexWake(wait->word, INT_MAX);
  if (instance->in_flight.empty()) FinishCleanup(instance);
}

void FreeCopy(void* data, size_t /* length */, void* capacity) {
  ReleaseBlock(data, reinterpret_cast<uintptr_t>(capacity));
}

void CopyBytes(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  if (!args[0]->IsArrayBufferView()) return ThrowTypeError(isolate, "copyBytes(view)");
  Local<v8::ArrayBufferView> view = args[0].As<v8::ArrayBufferView>();
  size_t length = view->ByteLength();
  size_t capacity;
  void* data = AcquireBlock(length, &capacity);
  if (data == nullptr) return ThrowErrno(isolate, SysError{ENOMEM, "mmap"}, "");
  view->CopyContents(data, length);
  std::unique_ptr<v8::BackingStore> store = v8::ArrayBuffer::NewBackingStore(
      data, length, FreeCopy, reinterpret_cast<void*>(static_cast<uintptr_t>(capacity)));
  args.GetReturnValue().Set(v8::ArrayBuffer::New(isolate, std::move(store)));
}

void TrimCopies(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  if (!args[0]->IsNumber()) return ThrowTypeError(isolate, "trimCopies(minIdleMs)");
  double kept = static_cast<double>(TrimBlocks(static_cast<int64_t>(args[0].As<v8::Number>()->Value())));
  args.GetReturnValue().Set(kept);
}

// V8's gc() function, for a worker thread to run a young-generation collection once it has let go of copies
// it was sent (see staged-recycler.ts): V8 frees an ArrayBuffer's memory only when it collects the object,
// and nothing else would collect it soon. V8 installs gc() only in contexts created while --expose-gc is
// set, and flags are process-wide: so set it, create a bare context, take the function from it and clear
// the flag again, under a lock, so that two threads doing this at once cannot clear it under each other.
// (The JavaScript side does not call this where gc() already exists, as under --expose-gc.)
std::mutex expose_gc_mutex;

void CollectorFunction(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  Local<Context> context;
  {
    std::lock_guard<std::mutex> lock(expose_gc_mutex);
    v8::V8::SetFlagsFromString("--expose-gc");
    context = Context::New(isolate);
    v8::V8::SetFlagsFromString("--no-expose-gc");
  }
  Local<Value> gc;
  if (!context->Global()->Get(context, String::NewFromUtf8Literal(isolate, "gc")).ToLocal(&gc)) return;
  args.GetReturnValue().Set(gc);  // undefined where this V8 would not install it
}

void SetMethod(Isolate* isolate, Local<Context> context, Local<Object> exports, Local<External> data,
               const char* name, v8::FunctionCallback callback) {
  Local<Function> fn = FunctionTemplate::New(isolate, callback, data)->GetFunction(context).ToLocalChecked();
  Local<String> key = String::NewFromUtf8(isolate, name, v8::NewStringType::kInternalized).ToLocalChecked();
  fn->SetName(key);
  exports->Set(context, key, fn).Check();
}

}  // namespace

}  // namespace spindle

NODE_MODULE_INIT(/* exports, module, context */) {
  using namespace spindle;
  Isolate* isolate = context->GetIsolate();
  auto* instance = new Instance();
  instance->isolate = isolate;
  instance->context.Reset(isolate, context);
  instance->cleanup_hook = node::AddEnvironmentCleanupHook(isolate, OnCleanup, instance);
  Local<External> data = External::New(isolate, instance);
  SetMethod(isolate, context, exports, data, "create", Create);
  SetMethod(isolate, context, exports, data, "attach", Attach);
  SetMethod(isolate, context, exports, data, "unlink", Unlink);
  SetMethod(isolate, context, exports, data, "createAnonymous", CreateAnonymous);
  SetMethod(isolate, context, exports, data, "attachDescriptor", AttachDescriptorFn);
  SetMethod(isolate, context, exports, data, "closeDescriptor", CloseDescriptorFn);
  SetMethod(isolate, context, exports, data, "wait", Wait);
  SetMethod(isolate, context, exports, data, "waitAsync", WaitAsync);
  SetMethod(isolate, context, exports, data, "wake", Wake);
  SetMethod(isolate, context, exports, data, "copyBytes", CopyBytes);
  SetMethod(isolate, context, exports, data, "trimCopies", TrimCopies);
  SetMethod(isolate, context, exports, data, "collectorFunction", CollectorFunction);
}
