// Shared arrays (one host, shared memory) and distributed arrays (chunks on workers).

#include "cluster_fixture.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <numeric>
#include <unistd.h>

namespace {

using shared = dc::shared_array<double>;

void fill_my_part(shared s) {
    auto [lo, hi] = s.localindices();
    for (auto i = lo; i < hi; ++i)
        s[i] = dc::myid() * 1000 + static_cast<double>(i);
}

int shm_mappings() { // mappings of dc shared memory in this process
    std::ifstream maps("/proc/self/maps");
    std::string text((std::istreambuf_iterator<char>(maps)), std::istreambuf_iterator<char>());
    int n = 0;
    for (auto p = text.find("/dcrun-"); p != std::string::npos; p = text.find("/dcrun-", p + 1))
        ++n;
    return n;
}

bool shm_names_left() {
    for (const auto& e : std::filesystem::directory_iterator("/dev/shm")) {
        if (e.path().filename().string().rfind("dcrun-" + std::to_string(::getpid()), 0) == 0)
            return true;
    }
    return false;
}

} // namespace

TEST_F(cluster_test, workers_write_their_part_and_the_master_sees_it) {
    shared s(10);
    EXPECT_EQ(s.pids(), (std::vector<int>{ids_[0], ids_[1]}));
    EXPECT_EQ(s.localindices(), (std::pair<std::int64_t, std::int64_t>{0, 0})); // not a pid
    for (int id : s.pids())
        dc::remotecall_wait(fill_my_part, id, s);
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(s[i], ids_[0] * 1000 + i);
    for (int i = 5; i < 10; ++i)
        EXPECT_EQ(s[i], ids_[1] * 1000 + i);
    s[0] = -1; // and the other way round
    EXPECT_EQ(dc::remotecall_fetch([](shared a) { return a[0]; }, ids_[1], s), -1);
    EXPECT_FALSE(shm_names_left()); // unlinked once mapped everywhere
}

TEST_F(cluster_test, two_dimensional_shared_arrays_are_column_major) {
    dc::shared_array<int> m(3, 4);
    EXPECT_EQ(m.size(), 12u);
    dc::remotecall_wait([](dc::shared_array<int> a) { a(2, 1) = 7; }, ids_[0], m);
    EXPECT_EQ(m[2 + 1 * 3], 7);
    EXPECT_EQ(m(2, 1), 7);
}

TEST_F(cluster_test, a_dropped_shared_array_is_unmapped_everywhere) {
    {
        shared s(1000);
        EXPECT_EQ(dc::remotecall_fetch(shm_mappings, ids_[0]), 1);
    }
    EXPECT_EQ(dc::remotecall_fetch(shm_mappings, ids_[0]), 0);
    EXPECT_EQ(shm_mappings(), 0);
}

TEST_F(cluster_test, a_shared_array_on_another_host_or_process_is_a_clear_error) {
    shared only_first(std::vector<std::size_t>{10}, {ids_[0]});
    try {
        dc::remotecall_fetch([](shared a) { return a[0]; }, ids_[1], only_first);
        FAIL() << "expected an error";
    } catch (const dc::remote_exception& e) {
        EXPECT_NE(std::string(e.what()).find("not mapped on process " + std::to_string(ids_[1])),
                  std::string::npos)
            << e.what();
    }
    dc::detail::segment_ref elsewhere{"/dcrun-x", "node-elsewhere", 8, {ids_[0]}};
    try {
        dc::detail::shared_segment::attach(elsewhere);
        FAIL() << "expected an error";
    } catch (const dc::error& e) {
        EXPECT_NE(std::string(e.what()).find("lives in shared memory on host node-elsewhere"),
                  std::string::npos)
            << e.what();
    }
}

namespace {
std::size_t chunks_held() {
    return dc::detail::chunk_count();
}
} // namespace

TEST_F(cluster_test, distribute_puts_contiguous_chunks_on_the_workers) {
    std::vector<int> v(10);
    std::iota(v.begin(), v.end(), 0);
    auto d = dc::distribute(v);
    EXPECT_EQ(d.size(), 10u);
    EXPECT_EQ(d.procs(), (std::vector<int>{ids_[0], ids_[1]}));
    EXPECT_TRUE(d.localpart().empty()); // the master holds none
    auto part2 = dc::remotecall_fetch(
        [](dc::darray<int> a) {
            auto p = dc::localpart(a);
            return std::make_pair(dc::localindices(a), std::vector<int>(p.begin(), p.end()));
        },
        ids_[0], d);
    EXPECT_EQ(part2.first, (std::pair<std::int64_t, std::int64_t>{0, 5}));
    EXPECT_EQ(part2.second, (std::vector<int>{0, 1, 2, 3, 4}));
    EXPECT_EQ(dc::gather(d), v);
}

TEST_F(cluster_test, darray_map_and_reduce_run_where_the_chunks_are) {
    std::vector<double> v(1000, 2.0);
    auto d = dc::distribute(v);
    auto squares = d.map([](double x) { return x * x; });
    EXPECT_EQ(squares.reduce(std::plus<>{}), 4000.0);
    auto where = d.map([](double) { return dc::myid(); }).gather();
    EXPECT_EQ(where.front(), ids_[0]);
    EXPECT_EQ(where.back(), ids_[1]);
    EXPECT_EQ(dc::dzeros(7).reduce(std::plus<>{}), 0.0);
    EXPECT_EQ(dc::dones<int>(7).reduce(std::plus<>{}), 7);
    auto r = dc::drand(100).gather();
    ASSERT_EQ(r.size(), 100u);
    EXPECT_TRUE(std::all_of(r.begin(), r.end(), [](double x) { return x >= 0 && x < 1; }));
    EXPECT_THROW(dc::distribute(std::vector<double>{}).reduce(std::plus<>{}),
                 std::invalid_argument);
}

TEST_F(cluster_test, a_dropped_darray_frees_its_chunks) {
    {
        auto d = dc::dones(100);
        auto copy_used_remotely =
            dc::remotecall_fetch([](dc::darray<double> a) { return a.size(); }, ids_[1], d);
        EXPECT_EQ(copy_used_remotely, 100u);
        EXPECT_EQ(dc::remotecall_fetch(chunks_held, ids_[0]), 1u);
    }
    EXPECT_EQ(dc::remotecall_fetch(chunks_held, ids_[0]), 0u);
    EXPECT_EQ(dc::remotecall_fetch(chunks_held, ids_[1]), 0u);
}
