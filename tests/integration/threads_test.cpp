// Several threads of one process using dc at once. The ThreadSanitizer build
// (-DDC_SANITIZE=thread, run by scripts/run.sh test) runs these and the pool tests.

#include "cluster_fixture.hpp"

#include <atomic>
#include <numeric>
#include <thread>

namespace {

std::vector<double> make_values(int n) {
    std::vector<double> v(n);
    std::iota(v.begin(), v.end(), 0.0);
    return v;
}

double sum_of(const std::vector<double>& v) {
    return std::accumulate(v.begin(), v.end(), 0.0);
}

int twice(int x) {
    return 2 * x;
}

} // namespace

TEST_F(cluster_test, threads_send_a_future_while_another_thread_fetches_it_first) {
    for (int round = 0; round < 20; ++round) {
        auto f = dc::remotecall(make_values, ids_[0], 1000 + round);
        const double expected = (999.0 + round) * (1000 + round) / 2;
        double fetched_sum = 0, sent_sum = 0;
        std::thread fetcher([&] { fetched_sum = sum_of(f.fetch()); });
        std::thread sender([&] { sent_sum = dc::remotecall_fetch(sum_of, ids_[1], f); });
        fetcher.join();
        sender.join();
        EXPECT_EQ(fetched_sum, expected);
        EXPECT_EQ(sent_sum, expected);
    }
}

TEST_F(cluster_test, threads_make_calls_to_every_worker_at_once) {
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    threads.reserve(4);
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 200; ++i) {
                const int id = ids_[(t + i) % 2];
                if (dc::remotecall_fetch(twice, id, i) != 2 * i) ++wrong;
                auto f = dc::remotecall(twice, id, i);
                if (f.fetch() != 2 * i) ++wrong;
            }
        });
    }
    for (auto& th : threads)
        th.join();
    EXPECT_EQ(wrong.load(), 0);
}

TEST_F(cluster_test, threads_put_and_take_on_one_channel) {
    dc::remote_channel<int> ch(4, ids_[0]);
    std::thread producer([&] {
        for (int i = 1; i <= 300; ++i)
            ch.put(i);
        ch.close();
    });
    long long total = 0;
    for (int v : ch)
        total += v;
    producer.join();
    EXPECT_EQ(total, 300LL * 301 / 2);
}
