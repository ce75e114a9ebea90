// Tutorial 1, "data movement": method 1 builds a matrix here and ships it to the worker;
// method 2 builds it on the worker and only the (small) result comes back.
//   A = rand(1000,1000); Bref = @spawnat :any A^2               # method 1
//   Bref = @spawnat :any rand(1000,1000)^2                      # method 2
#include <dc/dc.hpp>

#include <chrono>
#include <iostream>
#include <random>

using matrix = std::vector<double>;
constexpr int n = 1000;

matrix random_matrix(int size) {
    std::mt19937 gen(42);
    std::uniform_real_distribution<double> u;
    matrix m(static_cast<std::size_t>(size) * size);
    for (auto& x : m)
        x = u(gen);
    return m;
}

double trace_of_square(const matrix& a) { // (A^2)_ii summed, O(n^2)
    double t = 0;
    for (int i = 0; i < n; ++i)
        for (int k = 0; k < n; ++k)
            t += a[i * n + k] * a[k * n + i];
    return t;
}

int main(int argc, char** argv) {
    dc::init(argc, argv);
    using clock = std::chrono::steady_clock;
    const int worker = dc::workers().front();

    auto t0 = clock::now();
    matrix a = random_matrix(n);                               // built here ...
    auto method1 = dc::remotecall(trace_of_square, worker, a); // ... and sent (8 MB)
    double r1 = method1.fetch();
    double s1 = std::chrono::duration<double>(clock::now() - t0).count();
    std::cout << "method 1 (send A): trace " << r1 << " in " << s1 << " s, bytes sent "
              << a.size() * sizeof(double) << std::endl;

    t0 = clock::now();
    auto a_remote = dc::remotecall(random_matrix, worker, n);         // built on the worker
    auto method2 = dc::remotecall(trace_of_square, worker, a_remote); // used where it lives
    double r2 = method2.fetch();
    double s2 = std::chrono::duration<double>(clock::now() - t0).count();
    std::cout << "method 2 (build remotely): trace " << r2 << " in " << s2
              << " s, bytes fetched: " << sizeof(double) << std::endl;
}
