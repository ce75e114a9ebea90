#pragma once
// A fixture that gives each test fresh workers and removes them afterwards.

#include <dc/dc.hpp>

#include <gtest/gtest.h>

#include <vector>

class cluster_test : public ::testing::Test {
protected:
    void SetUp() override { ids_ = dc::addprocs(2); }
    void TearDown() override { dc::rmprocs(dc::nprocs() > 1 ? dc::workers() : std::vector<int>{}); }
    std::vector<int> ids_;
};
