// Futures: fetch caches, wait/isready/where, futures as arguments, distributed freeing.

#include "cluster_fixture.hpp"

#include "cluster/runtime.hpp"
#include "file_gate.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <thread>

namespace {

std::size_t stored_values() {
    return dc::detail::runtime::instance().store().size();
}

std::vector<double> make_ones(int n) {
    return std::vector<double>(n, 1.0);
}

} // namespace

TEST_F(cluster_test, fetch_caches_the_value_and_frees_the_remote_copy) {
    auto f = dc::remotecall(make_ones, ids_[0], 10);
    f.wait();
    EXPECT_EQ(dc::remotecall_fetch(stored_values, ids_[0]), 1u);
    const auto& a = f.fetch();
    const auto& b = f.fetch();
    EXPECT_EQ(&a, &b); // cached: the same object
    EXPECT_EQ(a, std::vector<double>(10, 1.0));
    EXPECT_EQ(dc::remotecall_fetch(stored_values, ids_[0]), 0u); // the value moved here
    auto copy = f;                                               // copies share the cache
    EXPECT_EQ(&copy.fetch(), &a);
}

TEST_F(cluster_test, isready_and_wait_follow_the_remote_computation) {
    file_gate gate("dc_gate");
    auto f = dc::remotecall(wait_for_file, ids_[0], gate.path());
    EXPECT_FALSE(f.isready());
    gate.open();
    f.wait();
    EXPECT_TRUE(f.isready());
    EXPECT_TRUE(f.fetch());
}

TEST_F(cluster_test, a_future_passed_to_its_own_worker_is_used_in_place) {
    auto data = dc::remotecall(make_ones, ids_[0], 1000);
    // The value never leaves the first worker: the callee reads it from its own store.
    auto sum = dc::remotecall_fetch(
        [](const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0); },
        ids_[0], data);
    EXPECT_EQ(sum, 1000.0);
    EXPECT_EQ(data.where(), ids_[0]);
}

TEST_F(cluster_test, a_future_passed_to_another_worker_is_fetched_from_its_owner) {
    auto data = dc::remotecall(make_ones, ids_[0], 10);
    auto size =
        dc::remotecall_fetch([](const std::vector<double>& v) { return v.size(); }, ids_[1], data);
    EXPECT_EQ(size, 10u);
    // The master still holds its reference, so the value stays on the first worker.
    EXPECT_EQ(dc::remotecall_fetch(stored_values, ids_[0]), 1u);
    EXPECT_EQ(data.fetch().size(), 10u);
}

TEST_F(cluster_test, a_future_can_be_a_parameter_and_be_fetched_remotely) {
    auto data = dc::remotecall(make_ones, ids_[0], 4);
    auto n = dc::remotecall_fetch(
        [](dc::future<std::vector<double>> f) { return f.fetch().size(); }, ids_[1], data);
    EXPECT_EQ(n, 4u);
}

TEST_F(cluster_test, dropped_futures_free_their_remote_values) {
    {
        std::vector<dc::future<std::vector<double>>> futures;
        for (int i = 0; i < 10; ++i)
            futures.push_back(dc::remotecall(make_ones, ids_[0], 100));
        for (auto& f : futures)
            f.wait();
        EXPECT_EQ(dc::remotecall_fetch(stored_values, ids_[0]), 10u);
        // Shared with another process, which drops its copy when its call ends.
        dc::remotecall_fetch([](const dc::future<std::vector<double>>& f) { return f.where(); },
                             ids_[1], futures[0]);
    }
    // The second worker returns its share over its own link to the first, so wait for that
    // (bounded).
    std::size_t left = 1;
    for (int i = 0; i < 500 && left != 0; ++i) {
        left = dc::remotecall_fetch(stored_values, ids_[0]);
        if (left) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_EQ(left, 0u);
}

TEST_F(cluster_test, dropped_futures_free_their_values_when_released_over_one_link) {
    {
        auto f = dc::remotecall(make_ones, ids_[0], 100);
        f.wait();
        EXPECT_EQ(dc::remotecall_fetch(stored_values, ids_[0]), 1u);
    }
    // The release went over the same link just before this call: the store is empty already.
    EXPECT_EQ(dc::remotecall_fetch(stored_values, ids_[0]), 0u);
}

TEST_F(cluster_test, a_future_shared_many_times_keeps_enough_weight) {
    auto data = dc::remotecall(make_ones, ids_[0], 3);
    for (int i = 0; i < 200; ++i) { // more than the 62 halvings of the initial weight
        ASSERT_EQ(dc::remotecall_fetch([](const std::vector<double>& v) { return v.size(); },
                                       ids_[1], data),
                  3u);
    }
    EXPECT_EQ(dc::remotecall_fetch(stored_values, ids_[0]), 1u);
}

TEST_F(cluster_test, void_futures_wait_and_report_completion) {
    auto f = dc::remotecall([] {}, ids_[0]);
    f.wait();
    EXPECT_TRUE(f.isready());
    f.fetch();
}

TEST(future, empty_future_throws_a_clear_error) {
    dc::future<int> f;
    EXPECT_THROW(f.wait(), dc::error);
}

TEST_F(cluster_test, large_arrays_arrive_intact_by_fetch_and_by_remotecall_fetch) {
    auto make = [](int n, int base) {
        std::vector<std::int64_t> v(n);
        std::iota(v.begin(), v.end(), base);
        return v;
    };
    const int n = 3 << 20; // 24 MiB: received straight into the vector's storage
    auto f = dc::remotecall(make, ids_[0], n, 5);
    f.wait();
    const auto& a = f.fetch();
    ASSERT_EQ(a.size(), static_cast<std::size_t>(n));
    EXPECT_EQ(a.front(), 5);
    EXPECT_EQ(a.back(), 5 + n - 1);
    auto b = dc::remotecall_fetch(make, ids_[1], n, -7);
    ASSERT_EQ(b.size(), static_cast<std::size_t>(n));
    EXPECT_EQ(b[12345], 12345 - 7);
    EXPECT_EQ(b.back(), n - 8);
    auto empty = dc::remotecall_fetch(make, ids_[0], 0, 0);
    EXPECT_TRUE(empty.empty());
}
