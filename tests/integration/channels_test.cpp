// Remote channels: blocking put/take, closing, handles crossing processes, three users at once.

#include "cluster_fixture.hpp"

#include "cluster/runtime.hpp"
#include "file_gate.hpp"

#include <chrono>
#include <thread>

#include <numeric>

namespace {
using channel = dc::remote_channel<int>;

int sum_until_closed(channel ch) {
    int sum = 0;
    for (int x : ch)
        sum += x;
    return sum;
}

void produce(channel ch, int first, int count) {
    for (int i = first; i < first + count; ++i)
        ch.put(i);
}
} // namespace

TEST_F(cluster_test, a_channel_on_the_master_works_like_a_queue) {
    channel ch(3);
    EXPECT_EQ(ch.where(), 1);
    EXPECT_FALSE(ch.isready());
    EXPECT_EQ(ch.try_take(), std::nullopt);
    ch.put(1);
    ch.put(2);
    EXPECT_TRUE(ch.isready());
    EXPECT_EQ(ch.fetch(), 1); // a copy: still there
    EXPECT_EQ(ch.take(), 1);
    EXPECT_EQ(ch.try_take(), std::optional<int>(2));
    ch.close();
    EXPECT_FALSE(ch.isopen());
    EXPECT_THROW(ch.put(3), dc::channel_closed);
    EXPECT_THROW(ch.take(), dc::channel_closed);
}

TEST_F(cluster_test, items_left_in_a_closed_channel_can_still_be_taken) {
    channel ch(4, ids_[0]); // owned by the first worker
    EXPECT_EQ(ch.where(), ids_[0]);
    ch.put(7);
    ch.put(8);
    ch.close();
    EXPECT_EQ(ch.take(), 7);
    EXPECT_EQ(ch.take(), 8);
    EXPECT_THROW(ch.take(), dc::channel_closed);
}

TEST_F(cluster_test, put_waits_while_full_and_take_while_empty) {
    channel ch(2, ids_[1]);
    ch.put(1);
    ch.put(2);
    auto third = dc::remotecall([](channel c) { c.put(3); }, ids_[0], ch); // must wait: full
    EXPECT_FALSE(third.isready());
    EXPECT_EQ(ch.take(), 1);
    third.wait(); // now there was room
    EXPECT_EQ(ch.take(), 2);
    EXPECT_EQ(ch.take(), 3);
    auto waiting =
        dc::remotecall([](channel c) { return c.take(); }, ids_[0], ch); // must wait: empty
    EXPECT_FALSE(waiting.isready());
    ch.put(42);
    EXPECT_EQ(waiting.fetch(), 42);
}

TEST_F(cluster_test, an_unbuffered_channel_hands_items_over_directly) {
    channel ch(0, ids_[0]);
    auto putter = dc::remotecall([](channel c) { c.put(5); }, ids_[1], ch);
    EXPECT_FALSE(putter.isready());
    EXPECT_EQ(ch.take(), 5);
    putter.wait();
}

TEST(channels, producers_and_a_consumer_on_three_processes_share_a_channel_of_a_fourth) {
    auto ids = dc::addprocs(3);
    channel ch(5, ids[2]); // buffered, owned by a third process
    auto consumer = dc::remotecall(sum_until_closed, ids[1], ch);
    auto producer = dc::remotecall(produce, ids[0], ch, 1, 100);
    produce(ch, 101, 100); // the master produces too
    producer.wait();
    ch.close();
    EXPECT_EQ(consumer.fetch(), 200 * 201 / 2);
    dc::rmprocs(ids);
}

TEST_F(cluster_test, a_blocked_take_inside_a_call_does_not_stall_the_worker) {
    channel ch(1, ids_[1]);
    auto blocked = dc::remotecall([](channel c) { return c.take(); }, ids_[0], ch);
    // The first worker serves other calls while its first call waits for an item.
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(dc::remotecall_fetch([] { return dc::myid(); }, ids_[0]), ids_[0]);
    // Even a call that feeds the blocked one, on the same worker.
    dc::remotecall_fetch([](channel c) { c.put(9); }, ids_[0], ch);
    EXPECT_EQ(blocked.fetch(), 9);
}

TEST_F(cluster_test, a_consumer_and_producer_on_one_worker_do_not_deadlock) {
    channel ch(1, 1);
    auto consumer = dc::remotecall(sum_until_closed, ids_[0], ch);
    auto producer = dc::remotecall(produce, ids_[0], ch, 1, 50); // more items than the capacity
    producer.wait();
    ch.close();
    EXPECT_EQ(consumer.fetch(), 50 * 51 / 2);
}

TEST_F(cluster_test, takers_waiting_on_a_closing_channel_are_told) {
    channel ch(1, ids_[0]);
    auto waiting = dc::remotecall([](channel c) { return c.take(); }, ids_[1], ch);
    EXPECT_FALSE(waiting.isready());
    ch.close();
    try {
        waiting.fetch();
        FAIL() << "expected an error";
    } catch (const dc::remote_exception& e) {
        EXPECT_EQ(e.type_name(), "dc::channel_closed");
    }
}

TEST_F(cluster_test, dropped_channels_are_freed_on_their_owner) {
    auto owned = [] { return dc::detail::runtime::instance().channels().size(); };
    {
        channel ch(1, ids_[0]);
        dc::remotecall_fetch([](channel c) { return c.isopen(); }, ids_[1], ch);
        EXPECT_EQ(dc::remotecall_fetch(owned, ids_[0]), 1u);
    }
    std::size_t left = 1;
    for (int i = 0; i < 500 && left; ++i) { // the second worker returns its share over its own link
        left = dc::remotecall_fetch(owned, ids_[0]);
        if (left) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_EQ(left, 0u);
}

TEST_F(cluster_test, the_owner_itself_waits_on_its_own_empty_channel) {
    channel ch(1); // owned by the master
    file_gate gate("dc_owner_waits");
    // The first worker puts only after the gate opens, so the take below really waits.
    auto putter = dc::remotecall(
        [](channel c, std::string path) {
            wait_for_file(path);
            c.put(11);
        },
        ids_[0], ch, gate.path());
    gate.open();
    EXPECT_EQ(ch.take(), 11);
    putter.wait();
}
