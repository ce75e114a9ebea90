// The table of requests waiting for answers.

#include "requests/pending_requests.hpp"

#include <gtest/gtest.h>

using namespace dc::detail;

namespace {
std::shared_ptr<ref_state> state() {
    return std::make_shared<ref_state>(0, 2, 0, ref_state::arrival::value);
}
} // namespace

TEST(pending_requests, ids_carry_the_sender_and_never_repeat) {
    pending_requests table;
    const auto a = table.new_id(5);
    const auto b = table.new_id(5);
    EXPECT_NE(a, b);
    EXPECT_EQ(a >> 40, 5U);
    EXPECT_NE(table.new_id(6) >> 40, a >> 40);
}

TEST(pending_requests, an_answer_is_taken_once_and_a_lost_process_fails_only_its_own) {
    pending_requests table;
    auto s1 = state();
    EXPECT_EQ(table.expect(1, 2, s1), 1U);
    EXPECT_EQ(table.expect(2, 3, state()), 2U);
    EXPECT_EQ(table.expect(3, 2, state()), 3U);
    EXPECT_EQ(table.find(1), s1);
    EXPECT_EQ(table.take(1), s1);
    EXPECT_EQ(table.take(1), nullptr) << "answered once";
    const auto of_2 = table.take_all_to(2);
    EXPECT_EQ(of_2.size(), 1U);
    EXPECT_EQ(table.size(), 1U);
    table.forget(2);
    EXPECT_EQ(table.size(), 0U);
}
