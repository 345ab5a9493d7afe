// tests/mem/uhi_test.cc - UHI semihosting operations with a fake guest memory.
//
// Expected register values come from QEMU 7.2 behaviour measured with a probe program
// under qemu-system-mips64el -M boston -semihosting (listed in sim/mem/uhi.c), from
// the UHI numbering (vz-facts §9) or, for the documented vzsim differences (EFAULT
// instead of aborting, O_APPEND honoured, pread/pwrite/link implemented, unknown
// operations), from uhi.h's contract. File contents are checked against the host
// file system directly.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "sim/mem/uhi.h"

namespace {

constexpr uint64_t kSentinel = 0x5555;  // $3 value that must survive some operations
constexpr uint64_t kMinus1 = ~0ull;

// Guest memory: kSize bytes at virtual kBase; [hole_lo, hole_hi) faults.
struct Guest {
    static constexpr uint64_t kBase = 0xffffffff80010000ull;
    static constexpr size_t kSize = 512 * 1024;
    std::vector<uint8_t> bytes = std::vector<uint8_t>(kSize, 0);
    uint64_t hole_lo = 0, hole_hi = 0;
    uint64_t cursor = kBase;

    bool ok(uint64_t va, size_t n) const
    {
        if (n == 0)
            return true;
        if (va < kBase || va - kBase > kSize || n > kSize - (va - kBase))
            return false;
        if (hole_lo < hole_hi && va < hole_hi && va + n > hole_lo)
            return false;
        return true;
    }
    static int rd(void *ctx, uint64_t va, void *buf, size_t n)
    {
        Guest *g = static_cast<Guest *>(ctx);
        if (!g->ok(va, n))
            return -1;
        std::memcpy(buf, g->bytes.data() + (va - kBase), n);
        return 0;
    }
    static int wr(void *ctx, uint64_t va, const void *buf, size_t n)
    {
        Guest *g = static_cast<Guest *>(ctx);
        if (!g->ok(va, n))
            return -1;
        std::memcpy(g->bytes.data() + (va - kBase), buf, n);
        return 0;
    }
    // Place bytes (a string gets its NUL) at the next 16-byte aligned spot.
    uint64_t put(const std::string &s, bool nul = true)
    {
        uint64_t va = cursor;
        std::memcpy(bytes.data() + (va - kBase), s.data(), s.size());
        if (nul)
            bytes[va - kBase + s.size()] = 0;
        cursor += (s.size() + 1 + 15) & ~15ull;
        return va;
    }
    uint64_t alloc(size_t n)
    {
        uint64_t va = cursor;
        cursor += (n + 15) & ~15ull;
        return va;
    }
    std::string str(uint64_t va, size_t n) const
    {
        return std::string(reinterpret_cast<const char *>(bytes.data() + (va - kBase)), n);
    }
    template <typename T>
    T get(uint64_t va) const
    {
        T v;
        std::memcpy(&v, bytes.data() + (va - kBase), sizeof v);
        return v;
    }
};

std::string slurp(FILE *f)
{
    std::fflush(f);
    std::rewind(f);
    std::string s;
    int c;
    while ((c = std::fgetc(f)) != EOF)
        s.push_back(static_cast<char>(c));
    return s;
}

class UhiTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        out = std::tmpfile();
        err = std::tmpfile();
        ASSERT_NE(out, nullptr);
        ASSERT_NE(err, nullptr);
        dir = std::string(::testing::TempDir()) + "vzsim_uhi_" + std::to_string(::getpid());
        ::mkdir(dir.c_str(), 0700);
        make({"prog.elf", "a", "bb"}, true);
        mem.read = Guest::rd;
        mem.write = Guest::wr;
        mem.ctx = &g;
    }
    void TearDown() override
    {
        vz_uhi_destroy(u);
        std::fclose(out);
        std::fclose(err);
        if (in)
            std::fclose(in);
        for (const std::string &f : created)
            std::remove(f.c_str());
        ::rmdir(dir.c_str());
    }
    void make(std::vector<const char *> args, bool host, FILE *input = nullptr)
    {
        vz_uhi_destroy(u);
        argv = args;
        vz_uhi_config c = {};
        c.argc = static_cast<int>(argv.size());
        c.argv = argv.data();
        c.in = input;
        c.out = out;
        c.err = err;
        c.allow_host_files = host ? 1 : 0;
        u = vz_uhi_create(&c);
        ASSERT_NE(u, nullptr);
    }
    // Run one operation; $3 starts as kSentinel.
    vz_uhi_result call(uint64_t op, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0, uint64_t a3 = 0)
    {
        std::memset(r, 0, sizeof r);
        r[25] = op;
        r[4] = a0;
        r[5] = a1;
        r[6] = a2;
        r[7] = a3;
        r[3] = kSentinel;
        vz_uhi_result res;
        std::memset(&res, 0x5a, sizeof res);
        EXPECT_EQ(vz_uhi_call(u, r, &mem, &res), 0);
        return res;
    }
    int64_t v0() const { return static_cast<int64_t>(r[2]); }
    uint64_t v1() const { return r[3]; }
    std::string path(const std::string &name)
    {
        std::string p = dir + "/" + name;
        created.push_back(p);
        return p;
    }
    int64_t open_file(const std::string &p, uint64_t flags, uint64_t mode = 0644)
    {
        call(VZ_UHI_OPEN, g.put(p), flags, mode);
        return v0();
    }
    static std::string file_contents(const std::string &p)
    {
        FILE *f = std::fopen(p.c_str(), "rb");
        if (!f)
            return "<missing>";
        std::string s;
        int c;
        while ((c = std::fgetc(f)) != EOF)
            s.push_back(static_cast<char>(c));
        std::fclose(f);
        return s;
    }

    Guest g;
    vz_uhi_memops mem{};
    vz_uhi *u = nullptr;
    FILE *out = nullptr, *err = nullptr, *in = nullptr;
    std::vector<const char *> argv;
    std::string dir;
    std::vector<std::string> created;
    uint64_t r[32];
};

// ---- exit / assert / unknown ---------------------------------------------------------

TEST_F(UhiTest, Exit)
{
    vz_uhi_result res = call(VZ_UHI_EXIT, 7);
    EXPECT_EQ(res.action, VZ_UHI_EXITED);
    EXPECT_EQ(res.exit_code, 7);
    res = call(VZ_UHI_EXIT, 300);  // QEMU process status: 300 & 0xff = 44 (measured)
    EXPECT_EQ(res.exit_code, 300);
    EXPECT_EQ(res.exit_code & 0xff, 44);
    res = call(VZ_UHI_EXIT, kMinus1);  // QEMU process status 255 (measured)
    EXPECT_EQ(res.exit_code, -1);
    EXPECT_EQ(res.exit_code & 0xff, 255);
}

TEST_F(UhiTest, AssertStopsWithQemuMessage)
{
    vz_uhi_result res = call(VZ_UHI_ASSERT, g.put("msg here"), g.put("file.c"), 123);
    EXPECT_EQ(res.action, VZ_UHI_ABORTED);
    // QEMU 7.2 printed: UHI assertion "msg here": file "file.c", line 123
    EXPECT_STREQ(res.message, "UHI assertion \"msg here\": file \"file.c\", line 123");
    res = call(VZ_UHI_ASSERT, 0x10, 0x20, 0xffffffffu);
    EXPECT_EQ(res.action, VZ_UHI_ABORTED);
    EXPECT_STREQ(res.message, "UHI assertion \"<EFAULT>\": file \"<EFAULT>\", line -1");
}

TEST_F(UhiTest, UnknownOperationsFailEinval)
{
    for (uint64_t op : {0ull, 12ull, 15ull, 16ull, 17ull, 18ull, 21ull, 23ull, 99ull, ~0ull}) {
        vz_uhi_result res = call(op);
        EXPECT_EQ(res.action, VZ_UHI_CONTINUE) << op;
        EXPECT_EQ(v0(), -1) << op;
        EXPECT_EQ(v1(), 22u) << op;
        EXPECT_NE(std::string(res.message).find("unknown UHI operation"), std::string::npos) << op;
    }
    vz_uhi_result res = call(99);
    EXPECT_STREQ(res.message, "unknown UHI operation 99");
}

TEST_F(UhiTest, NullArgumentsAreRefused)
{
    vz_uhi_result res;
    uint64_t regs[32] = {};
    regs[25] = VZ_UHI_ARGC;
    EXPECT_EQ(vz_uhi_call(nullptr, regs, &mem, &res), -1);
    EXPECT_EQ(vz_uhi_call(u, nullptr, &mem, &res), -1);
    EXPECT_EQ(vz_uhi_call(u, regs, nullptr, &res), -1);
    EXPECT_EQ(vz_uhi_call(u, regs, &mem, nullptr), -1);
    vz_uhi_memops bad = mem;
    bad.read = nullptr;
    EXPECT_EQ(vz_uhi_call(u, regs, &bad, &res), -1);
    vz_uhi_config c = {};
    c.argc = -1;
    EXPECT_EQ(vz_uhi_create(&c), nullptr);
    c.argc = 2;
    c.argv = nullptr;
    EXPECT_EQ(vz_uhi_create(&c), nullptr);
    vz_uhi *plain = vz_uhi_create(nullptr);  // no args, no console, no files
    ASSERT_NE(plain, nullptr);
    regs[25] = VZ_UHI_ARGC;
    ASSERT_EQ(vz_uhi_call(plain, regs, &mem, &res), 0);
    EXPECT_EQ(regs[2], 0u);
    vz_uhi_destroy(plain);
    vz_uhi_destroy(nullptr);
}

// ---- console ---------------------------------------------------------------------------

TEST_F(UhiTest, WriteToConsole)
{
    uint64_t s = g.put("hello\n", false);
    call(VZ_UHI_WRITE, 1, s, 6);
    EXPECT_EQ(v0(), 6);
    EXPECT_EQ(v1(), 0u);  // QEMU writes $3 = 0 on success
    call(VZ_UHI_WRITE, 2, g.put("oops"), 4);
    EXPECT_EQ(v0(), 4);
    call(VZ_UHI_WRITE, 0, g.put("zero"), 4);  // fd 0 is the console too: goes to out
    EXPECT_EQ(v0(), 4);
    EXPECT_EQ(slurp(out), "hello\nzero");
    EXPECT_EQ(slurp(err), "oops");
}

TEST_F(UhiTest, ZeroLengthConsoleWriteFails)
{
    call(VZ_UHI_WRITE, 1, g.put("x"), 0);  // QEMU 7.2: -1, $3 = 22 (measured)
    EXPECT_EQ(v0(), -1);
    EXPECT_EQ(v1(), 22u);
}

TEST_F(UhiTest, WriteBadFd)
{
    uint64_t s = g.put("hello\n");
    call(VZ_UHI_WRITE, 7, s, 6);  // measured: -1, 9
    EXPECT_EQ(v0(), -1);
    EXPECT_EQ(v1(), 9u);
    call(VZ_UHI_WRITE, kMinus1, s, 6);
    EXPECT_EQ(v0(), -1);
    EXPECT_EQ(v1(), 9u);
    call(VZ_UHI_WRITE, 1000, s, 6);
    EXPECT_EQ(v1(), 9u);
}

TEST_F(UhiTest, WriteBadPointerIsEfault)
{
    call(VZ_UHI_WRITE, 1, 0x1234, 4);
    EXPECT_EQ(v0(), -1);
    EXPECT_EQ(v1(), 14u);
    call(VZ_UHI_WRITE, 1, ~0ull - 1, 4);  // wraps around the address space
    EXPECT_EQ(v0(), -1);
    EXPECT_EQ(v1(), 14u);
    EXPECT_EQ(slurp(out), "");
}

TEST_F(UhiTest, WriteStopsAtFaultingPage)
{
    // 0x2000 readable bytes, then a hole: write of 0x3000 returns the first 0x2000.
    uint64_t start = Guest::kBase + 0x10000;
    g.hole_lo = start + 0x2000;
    g.hole_hi = start + 0x3000;
    std::memset(g.bytes.data() + 0x10000, 'q', 0x3000);
    call(VZ_UHI_WRITE, 1, start, 0x3000);
    EXPECT_EQ(v0(), 0x2000);
    EXPECT_EQ(v1(), 0u);
    EXPECT_EQ(slurp(out), std::string(0x2000, 'q'));
}

TEST_F(UhiTest, ConsoleReadIsLineAtATime)
{
    in = std::tmpfile();
    ASSERT_NE(in, nullptr);
    std::fputs("line1\nline2\nend", in);
    std::rewind(in);
    make({"prog.elf"}, true, in);
    uint64_t buf = g.alloc(100);
    call(VZ_UHI_READ, 0, buf, 100);
    EXPECT_EQ(v0(), 6);
    EXPECT_EQ(v1(), 0u);
    EXPECT_EQ(g.str(buf, 6), "line1\n");
    call(VZ_UHI_READ, 0, buf, 3);
    EXPECT_EQ(v0(), 3);
    EXPECT_EQ(g.str(buf, 3), "lin");
    // A bad buffer consumes nothing.
    call(VZ_UHI_READ, 0, 0x40, 10);
    EXPECT_EQ(v0(), -1);
    EXPECT_EQ(v1(), 14u);
    call(VZ_UHI_READ, 0, buf, 100);
    EXPECT_EQ(v0(), 3);
    EXPECT_EQ(g.str(buf, 3), "e2\n");
    call(VZ_UHI_READ, 0, buf, 100);
    EXPECT_EQ(v0(), 3);
    EXPECT_EQ(g.str(buf, 3), "end");
    call(VZ_UHI_READ, 0, buf, 100);
    EXPECT_EQ(v0(), 0);  // end of file
}

TEST_F(UhiTest, ConsoleReadWithoutInputIsEof)
{
    call(VZ_UHI_READ, 0, g.alloc(16), 16);
    EXPECT_EQ(v0(), 0);
    EXPECT_EQ(v1(), 0u);
}

TEST_F(UhiTest, ConsoleLseekAndFstat)
{
    call(VZ_UHI_LSEEK, 1, 0, 0);  // measured: -1, 29
    EXPECT_EQ(v0(), -1);
    EXPECT_EQ(v1(), 29u);
    uint64_t st = g.alloc(VZ_UHI_STAT_SIZE);
    std::memset(g.bytes.data() + (st - Guest::kBase), 0xcc, VZ_UHI_STAT_SIZE);
    call(VZ_UHI_FSTAT, 1, st);
    EXPECT_EQ(v0(), 0);
    EXPECT_EQ(v1(), 0u);
    // Measured words: 0x000021b600000000 0x0005000000000000 then zeros.
    EXPECT_EQ(g.get<uint64_t>(st), 0x000021b600000000ull);
    EXPECT_EQ(g.get<uint64_t>(st + 8), 0x0005000000000000ull);
    for (int off = 16; off < VZ_UHI_STAT_SIZE; off += 8)
        EXPECT_EQ(g.get<uint64_t>(st + off), 0u) << off;
    call(VZ_UHI_FSTAT, 9, st);  // measured: -1, 9
    EXPECT_EQ(v0(), -1);
    EXPECT_EQ(v1(), 9u);
    call(VZ_UHI_FSTAT, 1, 0x8);  // bad pointer
    EXPECT_EQ(v0(), -1);
    EXPECT_EQ(v1(), 14u);
}

TEST_F(UhiTest, OpenStdStreams)
{
    call(VZ_UHI_OPEN, g.put("/dev/stdout"));  // measured: 1, $3 untouched
    EXPECT_EQ(v0(), 1);
    EXPECT_EQ(v1(), kSentinel);
    call(VZ_UHI_OPEN, g.put("/dev/stdin"));
    EXPECT_EQ(v0(), 0);
    call(VZ_UHI_OPEN, g.put("/dev/stderr"));
    EXPECT_EQ(v0(), 2);
    EXPECT_EQ(v1(), kSentinel);
    make({"x"}, false);  // works without host file access too
    call(VZ_UHI_OPEN, g.put("/dev/stderr"));
    EXPECT_EQ(v0(), 2);
}

TEST_F(UhiTest, CloseConsoleFreesTheSlot)
{
    call(VZ_UHI_CLOSE, 1);  // measured sequence from QEMU 7.2
    EXPECT_EQ(v0(), 0);
    EXPECT_EQ(v1(), 0u);
    call(VZ_UHI_WRITE, 1, g.put("hello\n"), 6);
    EXPECT_EQ(v0(), -1);
    EXPECT_EQ(v1(), 9u);
    call(VZ_UHI_CLOSE, 1);
    EXPECT_EQ(v0(), -1);
    EXPECT_EQ(v1(), 9u);
    std::string p = path("g.txt");
    EXPECT_EQ(open_file(p, VZ_UHI_O_RDWR | VZ_UHI_O_CREAT), 1);  // slot 1 reused
    EXPECT_EQ(v1(), 0u);
    call(VZ_UHI_OPEN, g.put("/dev/stdout"));
    EXPECT_EQ(v0(), 1);  // as QEMU: the name maps to 1 whatever slot 1 is
    call(VZ_UHI_WRITE, 1, g.put("to file"), 7);
    EXPECT_EQ(v0(), 7);
    call(VZ_UHI_CLOSE, 1);
    EXPECT_EQ(file_contents(p), "to file");
    EXPECT_EQ(slurp(out), "");
}

TEST_F(UhiTest, SlotZeroIsNeverReused)
{
    call(VZ_UHI_CLOSE, 0);
    EXPECT_EQ(v0(), 0);
    EXPECT_EQ(open_file(path("z.txt"), VZ_UHI_O_WRONLY | VZ_UHI_O_CREAT), 3);
}

// ---- host files ----------------------------------------------------------------------

TEST_F(UhiTest, FileRoundTrip)
{
    std::string p = path("f.txt");
    int64_t fd = open_file(p, VZ_UHI_O_WRONLY | VZ_UHI_O_CREAT | VZ_UHI_O_TRUNC);
    EXPECT_EQ(fd, 3);  // first free slot after the console
    EXPECT_EQ(v1(), 0u);
    call(VZ_UHI_WRITE, fd, g.put("0123456789"), 10);
    EXPECT_EQ(v0(), 10);
    call(VZ_UHI_CLOSE, fd);
    EXPECT_EQ(v0(), 0);
    EXPECT_EQ(v1(), 0u);
    call(VZ_UHI_CLOSE, fd);
    EXPECT_EQ(v0(), -1);
    EXPECT_EQ(v1(), 9u);
    EXPECT_EQ(file_contents(p), "0123456789");

    fd = open_file(p, VZ_UHI_O_RDONLY);
    EXPECT_EQ(fd, 3);
    call(VZ_UHI_WRITE, fd, g.put("AB"), 2);  // measured: -1, 9
    EXPECT_EQ(v0(), -1);
    EXPECT_EQ(v1(), 9u);
    call(VZ_UHI_LSEEK, fd, 0, 2);
    EXPECT_EQ(v0(), 10);
    EXPECT_EQ(v1(), 0u);
    call(VZ_UHI_LSEEK, fd, 3, 0);
    EXPECT_EQ(v0(), 3);
    call(VZ_UHI_LSEEK, fd, static_cast<uint64_t>(-100), 0);  // measured: -1, 22
    EXPECT_EQ(v0(), -1);
    EXPECT_EQ(v1(), 22u);
    call(VZ_UHI_LSEEK, fd, 0, 7);  // measured: -1, 22
    EXPECT_EQ(v0(), -1);
    EXPECT_EQ(v1(), 22u);
    uint64_t buf = g.alloc(20);
    call(VZ_UHI_READ, fd, buf, 20);
    EXPECT_EQ(v0(), 7);
    EXPECT_EQ(v1(), 0u);
    EXPECT_EQ(g.str(buf, 7), "3456789");
    call(VZ_UHI_READ, fd, buf, 20);
    EXPECT_EQ(v0(), 0);
    EXPECT_EQ(v1(), 0u);
    call(VZ_UHI_LSEEK, fd, static_cast<uint64_t>(-4), 1);
    EXPECT_EQ(v0(), 6);

    // fstat against the host's own stat of the same file.
    struct stat hs;
    ASSERT_EQ(::stat(p.c_str(), &hs), 0);
    uint64_t st = g.alloc(VZ_UHI_STAT_SIZE);
    std::memset(g.bytes.data() + (st - Guest::kBase), 0xcc, VZ_UHI_STAT_SIZE);
    call(VZ_UHI_FSTAT, fd, st);
    EXPECT_EQ(v0(), 0);
    EXPECT_EQ(v1(), 0u);
    EXPECT_EQ(g.get<int16_t>(st + 0), static_cast<int16_t>(hs.st_dev));
    EXPECT_EQ(g.get<uint16_t>(st + 2), static_cast<uint16_t>(hs.st_ino));
    EXPECT_EQ(g.get<uint32_t>(st + 4), static_cast<uint32_t>(hs.st_mode));
    EXPECT_EQ(g.get<uint32_t>(st + 4) & 0170000u, 0100000u);  // S_IFREG
    EXPECT_EQ(g.get<uint16_t>(st + 8), static_cast<uint16_t>(hs.st_nlink));
    EXPECT_EQ(g.get<uint16_t>(st + 10), static_cast<uint16_t>(hs.st_uid));
    EXPECT_EQ(g.get<uint16_t>(st + 12), static_cast<uint16_t>(hs.st_gid));
    EXPECT_EQ(g.get<int16_t>(st + 14), static_cast<int16_t>(hs.st_rdev));
    EXPECT_EQ(g.get<uint64_t>(st + 16), 10u);
    EXPECT_EQ(g.get<uint64_t>(st + 24), static_cast<uint32_t>(hs.st_atime));
    EXPECT_EQ(g.get<uint64_t>(st + 32), 0u);
    EXPECT_EQ(g.get<uint64_t>(st + 40), static_cast<uint32_t>(hs.st_mtime));
    EXPECT_EQ(g.get<uint64_t>(st + 48), 0u);
    EXPECT_EQ(g.get<uint64_t>(st + 56), static_cast<uint32_t>(hs.st_ctime));
    EXPECT_EQ(g.get<uint64_t>(st + 64), 0u);
    EXPECT_EQ(g.get<uint64_t>(st + 72), static_cast<uint64_t>(hs.st_blksize));
    EXPECT_EQ(g.get<uint64_t>(st + 80), static_cast<uint64_t>(hs.st_blocks));
    EXPECT_EQ(g.get<uint64_t>(st + 88), 0u);
    EXPECT_EQ(g.get<uint64_t>(st + 96), 0u);
    call(VZ_UHI_CLOSE, fd);

    call(VZ_UHI_UNLINK, g.put(p));  // measured: 0, 0 then -1, 2
    EXPECT_EQ(v0(), 0);
    EXPECT_EQ(v1(), 0u);
    call(VZ_UHI_UNLINK, g.put(p));
    EXPECT_EQ(v0(), -1);
    EXPECT_EQ(v1(), 2u);
}

TEST_F(UhiTest, OpenErrors)
{
    EXPECT_EQ(open_file("/nonexistent/x", VZ_UHI_O_RDONLY), -1);  // measured: -1, 2
    EXPECT_EQ(v1(), 2u);
    std::string longname = "/" + std::string(299, 'a');
    EXPECT_EQ(open_file(longname, VZ_UHI_O_RDONLY), -1);  // measured: -1, 91
    EXPECT_EQ(v1(), 91u);
    EXPECT_EQ(open_file(dir, VZ_UHI_O_WRONLY), -1);  // measured: -1, 21
    EXPECT_EQ(v1(), 21u);
    std::string p = path("e.txt");
    EXPECT_EQ(open_file(p, VZ_UHI_O_RDWR | VZ_UHI_O_CREAT), 3);
    EXPECT_EQ(open_file(p, VZ_UHI_O_RDWR | VZ_UHI_O_CREAT | VZ_UHI_O_EXCL), -1);  // measured
    EXPECT_EQ(v1(), 17u);
    call(VZ_UHI_OPEN, 0x100, 0, 0);  // bad pointer
    EXPECT_EQ(v0(), -1);
    EXPECT_EQ(v1(), 14u);
    // A path with no NUL within VZ_UHI_MAX_PATH bytes.
    std::string huge(VZ_UHI_MAX_PATH + 10, 'p');
    call(VZ_UHI_OPEN, g.put(huge, true));
    EXPECT_EQ(v0(), -1);
    EXPECT_EQ(v1(), 91u);
    // A path running into unmapped memory.
    uint64_t s = Guest::kBase + Guest::kSize - 4;
    std::memcpy(g.bytes.data() + Guest::kSize - 4, "abcd", 4);
    call(VZ_UHI_OPEN, s);
    EXPECT_EQ(v0(), -1);
    EXPECT_EQ(v1(), 14u);
}

TEST_F(UhiTest, HostFilesDisabled)
{
    make({"prog.elf"}, false);
    std::string p = path("no.txt");
    EXPECT_EQ(open_file(p, VZ_UHI_O_WRONLY | VZ_UHI_O_CREAT), -1);
    EXPECT_EQ(v1(), 1u);  // EPERM
    EXPECT_EQ(file_contents(p), "<missing>");
    call(VZ_UHI_UNLINK, g.put(p));
    EXPECT_EQ(v1(), 1u);
    call(VZ_UHI_LINK, g.put(p), g.put(p + "2"));
    EXPECT_EQ(v1(), 1u);
}

TEST_F(UhiTest, ZeroLengthTransfersStillCheckTheFd)
{
    std::string p = path("w.txt");
    int64_t fd = open_file(p, VZ_UHI_O_WRONLY | VZ_UHI_O_CREAT);
    call(VZ_UHI_READ, fd, g.alloc(4), 0);  // the host says EBADF for a write-only fd
    EXPECT_EQ(v0(), -1);
    EXPECT_EQ(v1(), 9u);
    call(VZ_UHI_WRITE, fd, g.alloc(4), 0);
    EXPECT_EQ(v0(), 0);
    EXPECT_EQ(v1(), 0u);
    call(VZ_UHI_CLOSE, fd);
}

TEST_F(UhiTest, AppendIsHonoured)
{
    // QEMU 7.2 ignores O_APPEND (the write lands at offset 0); vzsim appends.
    std::string p = path("a.txt");
    int64_t fd = open_file(p, VZ_UHI_O_WRONLY | VZ_UHI_O_CREAT);
    call(VZ_UHI_WRITE, fd, g.put("0123456789"), 10);
    call(VZ_UHI_CLOSE, fd);
    fd = open_file(p, VZ_UHI_O_WRONLY | VZ_UHI_O_APPEND);
    call(VZ_UHI_WRITE, fd, g.put("AB"), 2);
    EXPECT_EQ(v0(), 2);
    call(VZ_UHI_CLOSE, fd);
    EXPECT_EQ(file_contents(p), "0123456789AB");
}

TEST_F(UhiTest, CreateModeAndTruncate)
{
    std::string p = path("m.txt");
    int64_t fd = open_file(p, VZ_UHI_O_WRONLY | VZ_UHI_O_CREAT, 0600);
    call(VZ_UHI_WRITE, fd, g.put("xyz"), 3);
    call(VZ_UHI_CLOSE, fd);
    struct stat hs;
    ASSERT_EQ(::stat(p.c_str(), &hs), 0);
    EXPECT_EQ(hs.st_mode & 0777, 0600u);
    fd = open_file(p, VZ_UHI_O_WRONLY | VZ_UHI_O_TRUNC);
    call(VZ_UHI_CLOSE, fd);
    EXPECT_EQ(file_contents(p), "");
}

TEST_F(UhiTest, PreadPwrite)
{
    std::string p = path("p.txt");
    int64_t fd = open_file(p, VZ_UHI_O_RDWR | VZ_UHI_O_CREAT);
    call(VZ_UHI_WRITE, fd, g.put("0123456789"), 10);
    uint64_t buf = g.alloc(16);
    call(VZ_UHI_PREAD, fd, buf, 4, 3);
    EXPECT_EQ(v0(), 4);
    EXPECT_EQ(v1(), 0u);
    EXPECT_EQ(g.str(buf, 4), "3456");
    call(VZ_UHI_PWRITE, fd, g.put("AB"), 2, 8);
    EXPECT_EQ(v0(), 2);
    EXPECT_EQ(v1(), 0u);
    call(VZ_UHI_LSEEK, fd, 0, 1);  // the file position did not move
    EXPECT_EQ(v0(), 10);
    call(VZ_UHI_PREAD, fd, buf, 4, static_cast<uint64_t>(-1));
    EXPECT_EQ(v0(), -1);
    EXPECT_EQ(v1(), 22u);
    call(VZ_UHI_PREAD, 1, buf, 4, 0);
    EXPECT_EQ(v1(), 29u);  // console: ESPIPE
    call(VZ_UHI_PWRITE, 2, buf, 4, 0);
    EXPECT_EQ(v1(), 29u);
    call(VZ_UHI_PREAD, 40, buf, 4, 0);
    EXPECT_EQ(v1(), 9u);
    call(VZ_UHI_CLOSE, fd);
    EXPECT_EQ(file_contents(p), "01234567AB");
}

TEST_F(UhiTest, Link)
{
    std::string a = path("la.txt"), b = path("lb.txt");
    int64_t fd = open_file(a, VZ_UHI_O_WRONLY | VZ_UHI_O_CREAT);
    call(VZ_UHI_WRITE, fd, g.put("linked"), 6);
    call(VZ_UHI_CLOSE, fd);
    call(VZ_UHI_LINK, g.put(a), g.put(b));
    EXPECT_EQ(v0(), 0);
    EXPECT_EQ(v1(), 0u);
    EXPECT_EQ(file_contents(b), "linked");
    call(VZ_UHI_LINK, g.put(a), g.put(b));
    EXPECT_EQ(v0(), -1);
    EXPECT_EQ(v1(), 17u);  // EEXIST
    call(VZ_UHI_LINK, g.put(a), 0x30);
    EXPECT_EQ(v1(), 14u);
}

TEST_F(UhiTest, ReadIntoBadBufferKeepsFilePosition)
{
    std::string p = path("r.txt");
    int64_t fd = open_file(p, VZ_UHI_O_RDWR | VZ_UHI_O_CREAT);
    call(VZ_UHI_WRITE, fd, g.put("abcdef"), 6);
    call(VZ_UHI_LSEEK, fd, 0, 0);
    call(VZ_UHI_READ, fd, 0x50, 6);
    EXPECT_EQ(v0(), -1);
    EXPECT_EQ(v1(), 14u);
    call(VZ_UHI_LSEEK, fd, 0, 1);
    EXPECT_EQ(v0(), 0);
    call(VZ_UHI_CLOSE, fd);
}

TEST_F(UhiTest, LargeTransferCrossesChunks)
{
    std::string p = path("big.bin");
    const size_t n = 150000;  // more than two 64 KiB bounce buffers
    uint64_t src = g.alloc(n);
    for (size_t i = 0; i < n; i++)
        g.bytes[src - Guest::kBase + i] = static_cast<uint8_t>(i * 31 + 7);
    int64_t fd = open_file(p, VZ_UHI_O_RDWR | VZ_UHI_O_CREAT);
    call(VZ_UHI_WRITE, fd, src, n);
    EXPECT_EQ(v0(), static_cast<int64_t>(n));
    call(VZ_UHI_LSEEK, fd, 0, 0);
    uint64_t dst = g.alloc(n);
    call(VZ_UHI_READ, fd, dst, n);
    EXPECT_EQ(v0(), static_cast<int64_t>(n));
    EXPECT_EQ(std::memcmp(g.bytes.data() + (src - Guest::kBase), g.bytes.data() + (dst - Guest::kBase), n), 0);
    call(VZ_UHI_CLOSE, fd);
}

TEST_F(UhiTest, FdTableFull)
{
    std::string p = path("many.txt");
    int64_t fd = open_file(p, VZ_UHI_O_WRONLY | VZ_UHI_O_CREAT);
    EXPECT_EQ(fd, 3);
    for (int i = 4; i < VZ_UHI_MAX_FDS; i++)
        EXPECT_EQ(open_file(p, VZ_UHI_O_RDONLY), i);
    EXPECT_EQ(open_file(p, VZ_UHI_O_RDONLY), -1);
    EXPECT_EQ(v1(), 24u);  // EMFILE
    call(VZ_UHI_CLOSE, 10);
    EXPECT_EQ(open_file(p, VZ_UHI_O_RDONLY), 10);
    // vz_uhi_destroy (TearDown) closes the rest.
}

// ---- arguments ----------------------------------------------------------------------

TEST_F(UhiTest, Arguments)
{
    call(VZ_UHI_ARGC);
    EXPECT_EQ(v0(), 3);
    EXPECT_EQ(v1(), kSentinel);  // not written
    call(VZ_UHI_ARGNLEN, 0);
    EXPECT_EQ(v0(), 8);
    call(VZ_UHI_ARGNLEN, 2);
    EXPECT_EQ(v0(), 2);
    EXPECT_EQ(v1(), kSentinel);
    call(VZ_UHI_ARGNLEN, 3);  // measured: -1, $3 untouched
    EXPECT_EQ(v0(), -1);
    EXPECT_EQ(v1(), kSentinel);
    call(VZ_UHI_ARGNLEN, kMinus1);  // QEMU 7.2 crashes here; vzsim says -1
    EXPECT_EQ(v0(), -1);
    uint64_t buf = g.alloc(32);
    std::memset(g.bytes.data() + (buf - Guest::kBase), '#', 32);
    call(VZ_UHI_ARGN, 2, buf);
    EXPECT_EQ(v0(), 0);
    EXPECT_EQ(v1(), kSentinel);
    EXPECT_EQ(g.str(buf, 4), std::string("bb\0#", 4));  // NUL copied, nothing more
    call(VZ_UHI_ARGN, 3, buf);
    EXPECT_EQ(v0(), -1);
    EXPECT_EQ(v1(), kSentinel);
    call(VZ_UHI_ARGN, 0, 0x20);  // bad pointer
    EXPECT_EQ(v0(), -1);
    EXPECT_EQ(v1(), 14u);
}

TEST_F(UhiTest, ArgumentsAreCopied)
{
    std::string a0 = "first";
    std::vector<const char *> args = {a0.c_str()};
    vz_uhi_config c = {};
    c.argc = 1;
    c.argv = args.data();
    vz_uhi *v = vz_uhi_create(&c);
    ASSERT_NE(v, nullptr);
    a0 = "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX";  // the original storage changes
    vz_uhi_result res;
    uint64_t regs[32] = {};
    regs[25] = VZ_UHI_ARGNLEN;
    ASSERT_EQ(vz_uhi_call(v, regs, &mem, &res), 0);
    EXPECT_EQ(regs[2], 5u);
    vz_uhi_destroy(v);
}

// ---- plog -------------------------------------------------------------------------------

TEST_F(UhiTest, PlogWithNumber)
{
    // Measured: "plog a=%d b=%d %s\n" with 42 prints "plog a=42 b=%d %s\n", $2 = 18,
    // $3 untouched.
    call(VZ_UHI_PLOG, g.put("plog a=%d b=%d %s\n"), 42);
    EXPECT_EQ(v0(), 18);
    EXPECT_EQ(v1(), kSentinel);
    call(VZ_UHI_PLOG, g.put("plog neg %d\n"), 0x1fffffffeull);  // measured: -2, 12
    EXPECT_EQ(v0(), 12);
    EXPECT_EQ(slurp(out), "plog a=42 b=%d %s\nplog neg -2\n");   // console: stdout
    EXPECT_EQ(slurp(err), "");
}

TEST_F(UhiTest, PlogWithoutNumberIsAWriteToFd2)
{
    call(VZ_UHI_PLOG, g.put("plog no fmt\n"), 42);  // measured: 12, $3 = 0
    EXPECT_EQ(v0(), 12);
    EXPECT_EQ(v1(), 0u);
    EXPECT_EQ(slurp(out), "plog no fmt\n");  // console log line: vzsim's stdout
    EXPECT_EQ(slurp(err), "");
    call(VZ_UHI_PLOG, g.put(""));  // an empty console write fails like write(2, p, 0)
    EXPECT_EQ(v0(), -1);
    EXPECT_EQ(v1(), 22u);
    call(VZ_UHI_CLOSE, 2);
    call(VZ_UHI_PLOG, g.put("gone\n"));
    EXPECT_EQ(v0(), -1);
    EXPECT_EQ(v1(), 9u);
    call(VZ_UHI_PLOG, g.put("still %d\n"), 5);  // "%d" path uses the console directly
    EXPECT_EQ(v0(), 8);
    EXPECT_EQ(slurp(out), "plog no fmt\nstill 5\n");
}

TEST_F(UhiTest, PlogBadPointer)
{
    call(VZ_UHI_PLOG, 0x77);
    EXPECT_EQ(v0(), -1);
    EXPECT_EQ(v1(), 14u);
    EXPECT_EQ(slurp(err), "");
}

TEST_F(UhiTest, NullStreamsDiscard)
{
    vz_uhi_config c = {};
    vz_uhi *v = vz_uhi_create(&c);
    ASSERT_NE(v, nullptr);
    vz_uhi_result res;
    uint64_t regs[32] = {};
    regs[25] = VZ_UHI_WRITE;
    regs[4] = 1;
    regs[5] = g.put("abc");
    regs[6] = 3;
    ASSERT_EQ(vz_uhi_call(v, regs, &mem, &res), 0);
    EXPECT_EQ(regs[2], 3u);
    vz_uhi_destroy(v);
}

}  // namespace
