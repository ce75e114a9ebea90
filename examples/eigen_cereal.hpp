#pragma once
// Lets Eigen dense matrices and vectors travel in remote calls: dimensions, then raw doubles.

#include <Eigen/Dense>
#include <cereal/cereal.hpp>

namespace Eigen {

template <class A, class S, int R, int C, int O, int MR, int MC>
void save(A& ar, const Matrix<S, R, C, O, MR, MC>& m) {
    ar(static_cast<std::int64_t>(m.rows()), static_cast<std::int64_t>(m.cols()));
    ar(cereal::binary_data(m.data(), static_cast<std::size_t>(m.size()) * sizeof(S)));
}

template <class A, class S, int R, int C, int O, int MR, int MC>
void load(A& ar, Matrix<S, R, C, O, MR, MC>& m) {
    std::int64_t rows = 0, cols = 0;
    ar(rows, cols);
    m.resize(rows, cols);
    ar(cereal::binary_data(m.data(), static_cast<std::size_t>(m.size()) * sizeof(S)));
}

} // namespace Eigen
