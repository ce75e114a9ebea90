// Flow control: processes that send to each other faster than they read must not stall, and
// calls whose futures are dropped at once must not pile up anywhere.

#include "cluster_fixture.hpp"

#include "cluster/runtime.hpp"

#include <cstdint>
#include <fstream>
#include <iostream>
#include <string>

namespace {

/// This process's resident set, in KiB (VmRSS of /proc/self/status).
long rss_kib() {
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);) {
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    }
    return -1;
}

/// 256 MiB of 64-bit words; word i of round r from process p holds a value no other has.
std::uint64_t word(int from, int round, std::size_t i) {
    return (static_cast<std::uint64_t>(from) << 56) ^ (static_cast<std::uint64_t>(round) << 40) ^
           (i * 0x9E3779B97F4A7C15ULL);
}
constexpr std::size_t mib_words = (std::size_t{1} << 20) / sizeof(std::uint64_t);

std::vector<std::uint64_t> make_block(int from, int round, std::size_t mib = 256) {
    std::vector<std::uint64_t> v(mib * mib_words);
    for (std::size_t i = 0; i < v.size(); ++i)
        v[i] = word(from, round, i);
    return v;
}

/// Index of the first wrong word, or -1.
long long first_wrong(const std::vector<std::uint64_t>& v, int from, int round) {
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (v[i] != word(from, round, i)) return static_cast<long long>(i);
    }
    return -1;
}

std::string checked(const std::vector<std::uint64_t>& v, int from, int round, std::size_t mib) {
    if (v.size() != mib * mib_words) return "size " + std::to_string(v.size()) + " wrong";
    const long long bad = first_wrong(v, from, round);
    return bad < 0 ? "ok" : "word " + std::to_string(bad) + " wrong";
}

/// Run on one worker: sends its block of `mib` MiB to `other` as a call argument, while `other`
/// does the same towards it. Neither reads until its own send is done unless sending keeps it
/// reading (the sockets buffer 8 MiB).
std::string send_block_to(int other, int round, std::size_t mib) {
    auto block = make_block(dc::myid(), round, mib);
    const std::string verdict =
        dc::remotecall_fetch(checked, other, std::move(block), dc::myid(), round, mib);
    return verdict == "ok" ? verdict : verdict + " (" + std::to_string(mib) + " MiB)";
}

int noop(int x) {
    return x;
}

long rss_here() {
    return rss_kib();
}

/// Run on a worker: fires `n` calls to `other` and drops their futures at once.
long drop_futures_towards(int other, int n) {
    for (int i = 0; i < n; ++i)
        dc::remotecall(noop, other, i);
    return dc::remotecall_fetch(noop, other, n); // the link still works afterwards
}

std::size_t stored_values() {
    return dc::detail::runtime::instance().store().size();
}

} // namespace

TEST_F(cluster_test, two_workers_swapping_256_MiB_both_ways_at_once_do_not_stall) {
    const int w1 = ids_[0], w2 = ids_[1];
    for (int round = 0; round < 20; ++round) {
        auto a = dc::remotecall(send_block_to, w1, w2, round, std::size_t{256});
        auto b = dc::remotecall(send_block_to, w2, w1, round, std::size_t{256});
        ASSERT_EQ(a.fetch(), "ok") << "round " << round << ", block from worker 2";
        ASSERT_EQ(b.fetch(), "ok") << "round " << round << ", block from worker 3";
    }
}

TEST_F(cluster_test, the_master_and_a_worker_swapping_large_blocks_do_not_stall) {
    for (int round = 0; round < 3; ++round) {
        auto back = dc::remotecall(send_block_to, ids_[0], 1, round, std::size_t{256});
        EXPECT_EQ(dc::remotecall_fetch(checked, ids_[0], make_block(1, round), 1, round,
                                       std::size_t{256}),
                  "ok");
        EXPECT_EQ(back.fetch(), "ok");
    }
}

// The same with blocks small enough for the ThreadSanitizer build (which runs tests named
// threads_*): still four times what the sockets buffer.
TEST_F(cluster_test, threads_of_two_workers_swapping_32_MiB_both_ways_at_once_do_not_stall) {
    for (int round = 0; round < 3; ++round) {
        auto a = dc::remotecall(send_block_to, ids_[0], ids_[1], round, std::size_t{32});
        auto b = dc::remotecall(send_block_to, ids_[1], ids_[0], round, std::size_t{32});
        ASSERT_EQ(a.fetch(), "ok") << "round " << round;
        ASSERT_EQ(b.fetch(), "ok") << "round " << round;
    }
}

TEST_F(cluster_test, a_million_dropped_futures_leave_the_cluster_usable_and_memory_bounded) {
    constexpr int n = 1'000'000;
    const int w = ids_[0];
    const long master_before = rss_kib(); // earlier tests in this process may have grown it
    for (int i = 0; i < n; ++i)
        dc::remotecall(noop, w, i);
    EXPECT_EQ(dc::remotecall_fetch(noop, w, 7), 7);
    const long master_kib = rss_kib();
    const long worker_kib = dc::remotecall_fetch(rss_here, w);
    std::cout << "after 1M dropped futures: master RSS " << master_kib << " KiB, worker RSS "
              << worker_kib << " KiB\n";
    // Every value was freed on the worker once its future was dropped (releases are sent as
    // the answers arrive; a last round trip makes sure they have been read).
    dc::remotecall_fetch(noop, w, 0);
    EXPECT_LT(master_kib - master_before, 48 * 1024) << "the master grew from " << master_before;
    EXPECT_LT(worker_kib, 64 * 1024);
    EXPECT_EQ(dc::remotecall_fetch(stored_values, w), 0u) << "values still stored on the worker";
}

TEST_F(cluster_test, a_million_futures_dropped_on_a_worker_calling_another_worker) {
    EXPECT_EQ(dc::remotecall_fetch(drop_futures_towards, ids_[0], ids_[1], 1'000'000), 1'000'000);
    const long caller_kib = dc::remotecall_fetch(rss_here, ids_[0]);
    const long callee_kib = dc::remotecall_fetch(rss_here, ids_[1]);
    std::cout << "after 1M dropped futures worker to worker: caller RSS " << caller_kib
              << " KiB, callee RSS " << callee_kib << " KiB\n";
    EXPECT_LT(caller_kib, 64 * 1024);
    EXPECT_LT(callee_kib, 64 * 1024);
}
