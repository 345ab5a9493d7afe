// tests/isa/isa_objdump_test.cc - vzsim's disassembler against GNU objdump 2.40 on
// random words, in each objdump -M mode (docs/isa.md, "The objdump comparison").
//
// Words: 1,000,000 uniform random words plus 262,144 "structured" ones (fields biased
// to 0, small values, all-ones and rs == rt, so that exact encodings such as nop,
// sync_wmb or jrc are hit too), from fixed seeds. objdump runs once per mode over the
// whole set; vz_disasm runs in-process. Every word must be one of:
//   equal text; objdump .word and no vzsim row; a vzsim REMOVED/UNIMPL row (counted
//   per row); or a documented objdump quirk (compare.cc).
// Anything else fails and the first 50 such words are printed with both texts.
// VZSIM_ISA_WORDS=N overrides the number of uniform words (e.g. for a longer run).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "tests/isa/binutils.h"
#include "tests/isa/compare.h"

namespace {

std::vector<uint32_t> test_words()
{
    uint64_t n = 1000000;
    if (const char *e = std::getenv("VZSIM_ISA_WORDS"))
        n = std::strtoull(e, nullptr, 0);
    std::vector<uint32_t> w;
    w.reserve(n + 262144);
    std::mt19937_64 rng(0x0b1d0);
    for (uint64_t i = 0; i < n; i++)
        w.push_back((uint32_t)rng());
    std::mt19937_64 r2(0x5714c7);
    auto field = [&](unsigned bits) -> uint32_t {
        uint32_t all = (1u << bits) - 1;
        switch (r2() % 8) {
        case 0: case 1: case 2: return 0;
        case 3: return (uint32_t)(r2() % 8) & all;
        case 4: return all;
        default: return (uint32_t)r2() & all;
        }
    };
    for (int i = 0; i < 262144; i++) {
        uint32_t op = (uint32_t)(r2() % 64), rs = field(5), rt = field(5), rd = field(5),
                 sa = field(5), fn = (r2() % 4) ? (uint32_t)(r2() % 64) : field(6);
        if (r2() % 6 == 0)
            rt = rs;
        uint32_t x = op << 26 | rs << 21 | rt << 16 | rd << 11 | sa << 6 | fn;
        if (r2() % 10 == 0)
            x = op << 26 | ((uint32_t)r2() & 0x03ffffffu);
        w.push_back(x);
    }
    return w;
}

const std::vector<uint32_t> &words()
{
    static const std::vector<uint32_t> w = test_words();
    return w;
}

void check(const vzt::Mode &mode, uint64_t vma)
{
    if (!vzt::binutils_available())
        GTEST_SKIP() << "cross binutils (" << vzt::kCross
                     << "objdump) not on PATH: run scripts/setup.sh";
    vzt::Comparison c = vzt::compare_with_objdump(words(), mode, 50, vma);
    ASSERT_TRUE(c.error.empty()) << c.error;
    std::string s = vzt::summary(c, mode);
    std::fputs(s.c_str(), stdout);
    EXPECT_EQ(c.words, words().size());
    EXPECT_EQ(c.failures, 0u) << "first differing words:\n" << s;
    EXPECT_GT(c.equal, c.words / 3);   // sanity: the comparison did compare
}

class IsaObjdump : public ::testing::TestWithParam<size_t> {};

TEST_P(IsaObjdump, RandomWordsMatch)
{
    check(vzt::kModes[GetParam()], 0);
}

INSTANTIATE_TEST_SUITE_P(Modes, IsaObjdump, ::testing::Range<size_t>(0, vzt::kNumModes),
                         [](const ::testing::TestParamInfo<size_t> &i) {
                             std::string n = vzt::kModes[i.param].name;
                             for (char &ch : n)
                                 if (!std::isalnum((unsigned char)ch))
                                     ch = '_';
                             return n;
                         });

// Branch and PC-relative targets in the kernel segment, as guests use them.
TEST(IsaObjdumpVma, KernelSegmentTargets)
{
    check(vzt::kModes[0], 0xffffffff80000000ull);
}

}  // namespace
