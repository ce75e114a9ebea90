#pragma once
// A gate a test opens by creating a file: holds a remote call open without relying on timing.

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <unistd.h>

/// Blocks until `path` exists (the remote side of a gate) and returns true, or returns false
/// after 60 s, so that a gate nobody opens fails its test instead of hanging it.
inline bool wait_for_file(const std::string& path) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!std::filesystem::exists(path)) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return true;
}

class file_gate {
public:
    explicit file_gate(const std::string& name)
        : path_((std::filesystem::temp_directory_path() / (name + "_" + std::to_string(::getpid())))
                    .string()) {
        std::filesystem::remove(path_);
    }
    ~file_gate() { std::filesystem::remove(path_); }
    const std::string& path() const { return path_; }
    void open() const { std::ofstream(path_).put('x'); }

private:
    std::string path_;
};
