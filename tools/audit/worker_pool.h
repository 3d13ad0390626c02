// A fixed set of worker threads that run tasks in the order they are
// queued. Tasks must not throw. The destructor finishes every queued task
// and joins the threads. Submit may be called from any thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace creg::audit {

class WorkerPool {
 public:
  // Starts `threads` workers. With none, Submit only queues, and the
  // destructor drops what was queued without running it.
  explicit WorkerPool(size_t threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task` for the next free worker.
  void Submit(std::function<void()> task);

  size_t size() const { return threads_.size(); }

 private:
  void Work();

  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;  // guarded by mu_
  bool stopping_ = false;                    // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace creg::audit
