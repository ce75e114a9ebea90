// dcrun's micro-benchmarks. Run under `dcrun -p 1`; prints `name<TAB>value<TAB>unit` lines
// in the same format as floor_bench, so bench/run.sh can put them side by side.

#include <dc/dc.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <unistd.h>

namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t) {
    return std::chrono::duration<double>(clock_type::now() - t).count();
}

int add(int a, int b) {
    return a + b;
}

std::vector<char> make_block(std::size_t bytes) {
    return std::vector<char>(bytes, 'x');
}

void report(const std::string& name, double value, const std::string& unit) {
    std::cout << name << '\t' << value << '\t' << unit << std::endl;
}

void round_trip(int worker, const std::string& name) {
    for (int i = 0; i < 2000; ++i)
        dc::remotecall_fetch(add, worker, i, 1);
    const int n = 20000;
    auto t0 = clock_type::now();
    for (int i = 0; i < n; ++i)
        dc::remotecall_fetch(add, worker, i, 1);
    report(name, seconds_since(t0) / n * 1e6, "us");
}

void throughput(int worker) {
    const int batch = 1000, batches = 50;
    std::vector<dc::future<int>> futures;
    futures.reserve(batch);
    auto t0 = clock_type::now();
    for (int b = 0; b < batches; ++b) {
        futures.clear();
        for (int i = 0; i < batch; ++i)
            futures.push_back(dc::remotecall(add, worker, i, 1));
        for (auto& f : futures)
            f.fetch();
    }
    report("remotecall_throughput", batch * batches / seconds_since(t0), "calls/s");
    const int n = 100000;
    t0 = clock_type::now();
    for (int i = 0; i < n; ++i)
        dc::remote_do(add, worker, i, 1);
    dc::remotecall_fetch(add, worker, 0, 0); // runs after all of them
    report("remote_do_throughput", n / seconds_since(t0), "calls/s");
}

void bandwidth(int worker) {
    const std::size_t bytes = 64u << 20;
    double best = 0;
    for (int i = 0; i < 10; ++i) {
        auto f = dc::remotecall(make_block, worker, bytes);
        f.wait(); // computed and stored on the worker; now time only the transfer
        auto t0 = clock_type::now();
        const auto& v = f.fetch();
        const double s = seconds_since(t0);
        if (v.size() != bytes) std::abort();
        best = std::max(best, bytes / s / (1 << 20));
    }
    report("fetch_64MiB", best, "MiB/s");
}

void idle_rss(int worker) {
    const int pid = dc::remotecall_fetch([] { return static_cast<int>(::getpid()); }, worker);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(status, line);) {
        if (line.rfind("VmRSS:", 0) == 0)
            report("idle_worker_rss", std::stod(line.substr(6)) / 1024, "MiB");
    }
}

} // namespace

int main(int argc, char** argv) {
    dc::init(argc, argv);
    const std::string what = argc > 1 ? argv[1] : "all";
    const int worker = dc::workers().front();
    if (worker == 1) {
        std::cerr << "run me under dcrun -p 1\n";
        return 2;
    }
    if (what == "rss" || what == "all") idle_rss(worker);
    if (what == "rtt" || what == "all") round_trip(worker, "remotecall_fetch_rtt");
    if (what == "throughput" || what == "all") throughput(worker);
    if (what == "bandwidth" || what == "all") bandwidth(worker);
}
