// A small fixed thread pool: run(n, fn) calls fn(0..n-1) concurrently, one task per pool thread (the caller runs
// task 0), so tasks may synchronize with a Barrier. Jobs from several callers are serialized by a mutex.
#ifndef TRUSTFL_POOL_H
#define TRUSTFL_POOL_H

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace tfl {

// A reusable barrier for a fixed number of tasks: spins briefly, then sleeps (the machine may be oversubscribed).
class Barrier {
 public:
  explicit Barrier(int n) : n_(n) {}
  void wait() {
    if (n_ <= 1) return;
    std::unique_lock<std::mutex> lock(m_);
    long gen = gen_;
    if (++count_ == n_) {
      count_ = 0;
      gen_++;
      cv_.notify_all();
      return;
    }
    cv_.wait(lock, [&] { return gen_ != gen; });
  }

 private:
  const int n_;
  int count_ = 0;
  long gen_ = 0;
  std::mutex m_;
  std::condition_variable cv_;
};

class Pool {
 public:
  explicit Pool(int threads) : size_(threads < 1 ? 1 : threads) {
    for (int t = 1; t < size_; t++) {
      workers_.emplace_back([this, t] { loop(t); });
    }
  }
  ~Pool() {
    {
      std::lock_guard<std::mutex> lock(m_);
      stop_ = true;
      gen_++;
    }
    cv_.notify_all();
    for (auto& w : workers_) w.join();
  }
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  int size() const { return size_; }

  // Runs fn(t) for t in [0, n), n <= size(), concurrently; returns when all are done.
  void run(int n, const std::function<void(int)>& fn) {
    if (n > size_) n = size_;
    if (n <= 1) {
      fn(0);
      return;
    }
    std::lock_guard<std::mutex> job(jobMutex_);
    {
      std::lock_guard<std::mutex> lock(m_);
      fn_ = &fn;
      active_ = n;
      pending_ = n - 1;
      gen_++;
    }
    cv_.notify_all();
    fn(0);
    std::unique_lock<std::mutex> lock(m_);
    done_.wait(lock, [&] { return pending_ == 0; });
    fn_ = nullptr;
  }

 private:
  void loop(int t) {
    long seen = 0;
    for (;;) {
      const std::function<void(int)>* fn;
      {
        std::unique_lock<std::mutex> lock(m_);
        cv_.wait(lock, [&] { return gen_ != seen; });
        seen = gen_;
        if (stop_) return;
        if (t >= active_) continue;
        fn = fn_;
      }
      (*fn)(t);
      {
        std::lock_guard<std::mutex> lock(m_);
        if (--pending_ == 0) done_.notify_one();
      }
    }
  }

  const int size_;
  std::vector<std::thread> workers_;
  std::mutex jobMutex_;
  std::mutex m_;
  std::condition_variable cv_;
  std::condition_variable done_;
  const std::function<void(int)>* fn_ = nullptr;
  int active_ = 0;
  int pending_ = 0;
  long gen_ = 0;
  bool stop_ = false;
};

struct Context {
  Pool pool;
  int tileRows;  // 0: automatic
  long l2;
  long l3;
  Context(int threads, int tile, long l2Bytes, long l3Bytes)
      : pool(threads), tileRows(tile), l2(l2Bytes), l3(l3Bytes) {}
};

inline Context* ctx(long long h) { return reinterpret_cast<Context*>(static_cast<intptr_t>(h)); }

}  // namespace tfl

#endif
