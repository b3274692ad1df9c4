// A bus subscriber that keeps every message it is given, for tests of the layers that publish
// (api's iot-data, the broker's HTTPS gateway). Safe to deliver to from several threads.
#pragma once

#include <mutex>
#include <vector>

#include "bus/bus.hpp"

namespace iotemu::bus::testing {

class MessageRecorder : public Subscriber {
public:
    void deliver(const Message& message, mqtt::QoS, bool) override {
        const std::lock_guard lock(mutex_);
        messages_.push_back(message);
    }
    std::vector<Message> messages() const {
        const std::lock_guard lock(mutex_);
        return messages_;
    }

private:
    mutable std::mutex mutex_;
    std::vector<Message> messages_;
};

}  // namespace iotemu::bus::testing
