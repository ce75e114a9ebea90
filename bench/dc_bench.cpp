// dcrun's micro-benchmarks. Run under `dcrun -p 1`; prints `name<TAB>value<TAB>unit` lines
// in the same format as floor_bench, so bench/run.sh can put them side by side.

#include <dc/dc.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <functional>
#include <iostream>
#include <random>
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

int noop(int x) {
    return x;
}

std::vector<int> range(int n) {
    std::vector<int> v(n);
    for (int i = 0; i < n; ++i)
        v[i] = i;
    return v;
}

void pmap_throughput() {
    auto big = range(2'000'000);
    dc::pmap(noop, range(10000)); // warm-up
    auto t0 = clock_type::now();
    auto out = dc::pmap(noop, big);
    report("pmap_auto_batch", big.size() / seconds_since(t0), "items/s");
    auto small = range(50'000);
    dc::pmap_options one;
    one.batch_size = 1;
    t0 = clock_type::now();
    dc::pmap(noop, small, one);
    report("pmap_batch_size_1", small.size() / seconds_since(t0), "items/s");
}

/// A pmap of 1e5 tiny items (automatic batches), 21 times: the median rate. Steadier than one
/// run of a few ms, for comparing runs with and without --trace.
void pmap_small() {
    auto items = range(100'000);
    dc::pmap(noop, items); // warm-up
    std::vector<double> rates;
    for (int i = 0; i < 21; ++i) {
        auto t0 = clock_type::now();
        dc::pmap(noop, items);
        rates.push_back(static_cast<double>(items.size()) / seconds_since(t0));
    }
    std::nth_element(rates.begin(), rates.begin() + 10, rates.end());
    report("pmap_1e5_median", rates[10], "items/s");
}

int flip(std::int64_t) {
    thread_local std::mt19937_64 gen(std::random_device{}());
    return static_cast<int>(gen() & 1);
}

std::int64_t heads(std::int64_t i) {
    return flip(i);
}

void count_heads() {
    const std::int64_t n = 200'000'000;
    std::int64_t serial = 0;
    auto t0 = clock_type::now();
    for (std::int64_t i = 0; i < n; ++i)
        serial += flip(i);
    const double ts = seconds_since(t0);
    t0 = clock_type::now();
    auto parallel = dc::distributed_reduce(std::plus<>{}, 0, n,
                                           [](std::int64_t i) -> std::int64_t { return flip(i); });
    const double tp = seconds_since(t0);
    // The same body as a plain function, passed as a pointer and as dc::fn<heads>.
    t0 = clock_type::now();
    auto by_pointer = dc::distributed_reduce(std::plus<>{}, 0, n, heads);
    const double t_pointer = seconds_since(t0);
    t0 = clock_type::now();
    auto by_fn = dc::distributed_reduce(std::plus<>{}, 0, n, dc::fn<heads>);
    const double t_fn = seconds_since(t0);
    if (serial + parallel + by_pointer + by_fn == 0) std::abort(); // keep every loop
    report("count_heads_serial", ts, "s");
    report("count_heads_distributed", tp, "s");
    report("count_heads_speedup", ts / tp, "x");
    report("count_heads_function_pointer", t_pointer, "s");
    report("count_heads_dc_fn", t_fn, "s");
}

std::int64_t low_bit(std::int64_t i) {
    return i & 1;
}

/// A tiny body, where the call itself is the cost: lambda, plain function, dc::fn.
void reduce_tiny_body() {
    const std::int64_t n = 1'000'000'000;
    auto t0 = clock_type::now();
    auto a = dc::distributed_reduce(std::plus<>{}, 0, n, [](std::int64_t i) { return i & 1; });
    const double t_lambda = seconds_since(t0);
    t0 = clock_type::now();
    auto b = dc::distributed_reduce(std::plus<>{}, 0, n, low_bit);
    const double t_pointer = seconds_since(t0);
    t0 = clock_type::now();
    auto c = dc::distributed_reduce(std::plus<>{}, 0, n, dc::fn<low_bit>);
    const double t_fn = seconds_since(t0);
    if (a != b || b != c) std::abort();
    report("tiny_body_lambda", t_lambda, "s");
    report("tiny_body_function_pointer", t_pointer, "s");
    report("tiny_body_dc_fn", t_fn, "s");
}

void reduce_overhead() {
    const auto n = static_cast<std::int64_t>(dc::nworkers());
    auto one = [](std::int64_t i) { return i; };
    for (int i = 0; i < 200; ++i)
        dc::distributed_reduce(std::plus<>{}, 0, n, one);
    const int reps = 2000;
    auto t0 = clock_type::now();
    for (int i = 0; i < reps; ++i)
        dc::distributed_reduce(std::plus<>{}, 0, n, one);
    report("distributed_reduce_overhead", seconds_since(t0) / reps * 1e6, "us");
}

using int_channel = dc::remote_channel<int>;

void echo(int_channel in, int_channel out, int count) {
    for (int i = 0; i < count; ++i)
        out.put(in.take());
}

void fill(int_channel ch, int count) {
    for (int i = 0; i < count; ++i)
        ch.put(i);
}

void channels(int worker) {
    const int n = 20000;
    int_channel ping(1), pong(1); // owned here; the worker echoes
    auto echoing = dc::remotecall(echo, worker, ping, pong, n + 100);
    for (int i = 0; i < 100; ++i) {
        ping.put(i);
        pong.take();
    }
    auto t0 = clock_type::now();
    for (int i = 0; i < n; ++i) {
        ping.put(i);
        pong.take();
    }
    report("channel_roundtrip", seconds_since(t0) / n * 1e6, "us");
    echoing.wait();
    const int items = 200'000;
    int_channel queue(1000);
    t0 = clock_type::now();
    auto producer = dc::remotecall(fill, worker, queue, items);
    long long sum = 0;
    for (int i = 0; i < items; ++i)
        sum += queue.take();
    report("channel_throughput", items / seconds_since(t0), "items/s");
    producer.wait();
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
    if (what == "pmap" || what == "patterns") pmap_throughput();
    if (what == "pmap_small") pmap_small();
    if (what == "million") { // a million calls: what --trace keeps of them (bench/run.sh)
        auto t0 = clock_type::now();
        for (int i = 0; i < 1'000'000; ++i)
            dc::remotecall_fetch(add, worker, i, 1);
        report("million_calls", seconds_since(t0), "s");
    }
    if (what == "heads" || what == "patterns") count_heads();
    if (what == "reduce" || what == "patterns") reduce_overhead();
    if (what == "tiny" || what == "patterns") reduce_tiny_body();
    if (what == "channel" || what == "patterns") channels(worker);
}
