// Pool: the decisions. Invariants kept by every event: a process on the current code is idle
// only while no invocation waits; idle processes on old code do not exist; processes never
// exceed max_processes.
#include "rules/lambda/pool.hpp"

#include <algorithm>

namespace iotemu::lambda {

bool Pool::submit(PoolInvocationId invocation, PoolActions& actions) {
    if (retired_) return false;
    for (auto& [id, process] : processes_)
        if (process.state == State::idle && current(process)) {
            process.state = State::busy;
            actions.push_back(RunInvocation{id, invocation});
            return true;
        }
    if (queue_.size() >= limits_.max_queued) return false;
    queue_.push_back(invocation);
    scale(actions);
    return true;
}

void Pool::started(PoolProcessId id, bool ok, PoolActions& actions) {
    const auto it = processes_.find(id);
    if (it == processes_.end()) return;
    Process& process = it->second;
    if (!ok) {
        if (current(process) && !queue_.empty()) {
            actions.push_back(FailInvocation{queue_.front()});
            queue_.pop_front();
        }
        processes_.erase(it);
        scale(actions);
        return;
    }
    if (retired_ || !current(process)) return stop(id, actions);
    take_next(id, process, actions);
}

void Pool::finished(PoolProcessId id, bool reusable, PoolActions& actions) {
    const auto it = processes_.find(id);
    if (it == processes_.end()) return;
    if (!reusable || retired_ || !current(it->second)) return stop(id, actions);
    take_next(id, it->second, actions);
}

void Pool::update(PoolActions& actions) {
    ++generation_;
    std::vector<PoolProcessId> idle;
    for (const auto& [id, process] : processes_)
        if (process.state == State::idle) idle.push_back(id);
    for (const auto id : idle) stop(id, actions);
    warm_wanted_ = true;
    scale(actions);
}

void Pool::warm(PoolActions& actions) {
    if (retired_) return;
    warm_wanted_ = true;
    scale(actions);
}

void Pool::retire(PoolActions& actions) {
    retired_ = true;
    warm_wanted_ = false;
    for (const auto invocation : queue_) actions.push_back(FailInvocation{invocation});
    queue_.clear();
    std::vector<PoolProcessId> idle;
    for (const auto& [id, process] : processes_)
        if (process.state == State::idle) idle.push_back(id);
    for (const auto id : idle) stop(id, actions);
}

void Pool::take_next(PoolProcessId id, Process& process, PoolActions& actions) {
    if (queue_.empty()) {
        process.state = State::idle;
        return;
    }
    process.state = State::busy;
    actions.push_back(RunInvocation{id, queue_.front()});
    queue_.pop_front();
}

void Pool::stop(PoolProcessId id, PoolActions& actions) {
    processes_.erase(id);
    actions.push_back(StopProcess{id});
    scale(actions);
}

void Pool::start(PoolActions& actions) {
    const PoolProcessId id = next_process_++;
    processes_.emplace(id, Process{generation_, State::starting});
    actions.push_back(StartProcess{id, generation_});
}

void Pool::scale(PoolActions& actions) {
    if (retired_) return;
    const auto limit = std::max<std::size_t>(limits_.max_processes, 1);
    std::size_t starting = 0;
    bool on_current_code = false;
    for (const auto& [id, process] : processes_)
        if (current(process)) {
            on_current_code = true;
            if (process.state == State::starting) ++starting;
        }
    while (queue_.size() > starting && processes_.size() < limit) {
        start(actions);
        ++starting;
        on_current_code = true;
    }
    if (warm_wanted_ && on_current_code) warm_wanted_ = false;
    if (warm_wanted_ && processes_.size() < limit) {
        start(actions);
        warm_wanted_ = false;
    }
}

}  // namespace iotemu::lambda
