// WorkQueue: the engine's bounded hand-off from publishers' threads to its workers. push() never
// blocks (a full queue refuses), pop() blocks until work or stop. Tracks work in progress so
// wait_idle() can tell when everything handed over has been processed. Internal; std only.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <utility>

namespace iotemu::rules::detail {

template <class Job>
class WorkQueue {
public:
    explicit WorkQueue(std::size_t capacity) : capacity_(capacity) {}

    // False when full or stopped: the caller drops the job.
    bool push(Job job) {
        {
            const std::lock_guard lock(mutex_);
            if (stopped_ || jobs_.size() >= capacity_) return false;
            jobs_.push_back(std::move(job));
        }
        ready_.notify_one();
        return true;
    }

    // The next job, counted as in progress until finished(); nullopt once stopped.
    std::optional<Job> pop() {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [this] { return stopped_ || !jobs_.empty(); });
        if (stopped_) return std::nullopt;
        Job job = std::move(jobs_.front());
        jobs_.pop_front();
        ++in_progress_;
        return job;
    }

    void finished() {
        {
            const std::lock_guard lock(mutex_);
            --in_progress_;
        }
        idle_.notify_all();
    }

    // Wakes every worker; queued jobs are dropped.
    void stop() {
        {
            const std::lock_guard lock(mutex_);
            stopped_ = true;
            jobs_.clear();
        }
        ready_.notify_all();
        idle_.notify_all();
    }

    bool wait_idle(std::chrono::milliseconds timeout) const {
        std::unique_lock lock(mutex_);
        return idle_.wait_for(lock, timeout,
                              [this] { return stopped_ || (jobs_.empty() && in_progress_ == 0); });
    }

private:
    const std::size_t capacity_;
    mutable std::mutex mutex_;
    std::condition_variable ready_;
    mutable std::condition_variable idle_;
    std::deque<Job> jobs_;
    std::size_t in_progress_ = 0;
    bool stopped_ = false;
};

}  // namespace iotemu::rules::detail
