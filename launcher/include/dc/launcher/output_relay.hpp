#pragma once
// A thread that reads the output pipes of many processes and hands out complete lines.

#include <dc/launcher/output_lines.hpp>

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace dc::launcher {

class output_relay {
public:
    using line_sink = std::function<void(const std::string& line)>;

    output_relay();
    ~output_relay();
    output_relay(const output_relay&) = delete;
    output_relay& operator=(const output_relay&) = delete;

    /// Reads `fd` (taking ownership) until end of file, calling `sink` per line.
    void add(int fd, line_sink sink);
    /// Waits up to `limit_ms` until `fd` has reached end of file and been closed.
    bool wait_closed(int fd, int limit_ms);

private:
    struct source {
        line_sink sink;
        line_splitter lines;
    };
    void loop();
    void read_from(int fd, source& s);

    std::mutex mutex_;
    std::condition_variable closed_cv_;
    std::map<int, source> sources_;
    int wake_[2];
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace dc::launcher
