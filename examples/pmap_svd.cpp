// Tutorial 2: pmap(svdvals, M) over 10 random 200x200 matrices.
#include <dc/dc.hpp>

#include "eigen_cereal.hpp"
#include "timing.hpp"

#include <iostream>

Eigen::VectorXd svdvals(const Eigen::MatrixXd& m) {
    return Eigen::BDCSVD<Eigen::MatrixXd>(m).singularValues();
}

int main(int argc, char** argv) {
    dc::init(argc, argv);
    std::vector<Eigen::MatrixXd> matrices;
    for (int i = 0; i < 10; ++i)
        matrices.push_back(Eigen::MatrixXd::Random(200, 200));
    std::vector<Eigen::VectorXd> serial, parallel;
    const double ts = seconds([&] {
        for (const auto& m : matrices)
            serial.push_back(svdvals(m));
    });
    dc::pmap_options one_at_a_time;
    one_at_a_time.batch_size = 1; // each SVD is big enough to be its own task
    const double tp = seconds([&] { parallel = dc::pmap(svdvals, matrices, one_at_a_time); });
    double largest_gap = 0;
    for (std::size_t i = 0; i < serial.size(); ++i)
        largest_gap = std::max(largest_gap, (serial[i] - parallel[i]).cwiseAbs().maxCoeff());
    std::cout << "serial:   10 SVDs in " << ts << " s\n"
              << "parallel: 10 SVDs in " << tp << " s on " << dc::nworkers() << " workers\n"
              << "largest singular value of the first: " << parallel[0][0]
              << "; serial and parallel agree within " << largest_gap << std::endl;
}
