// tests/isa/binutils.cc - see binutils.h.
#include "tests/isa/binutils.h"

#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace vzt {

std::string cross_tool(const std::string &name)
{
    const char *path = std::getenv("PATH");
    if (!path)
        return "";
    std::string exe = std::string(kCross) + name;
    std::stringstream ss(path);
    std::string dir;
    while (std::getline(ss, dir, ':')) {
        if (dir.empty())
            continue;
        std::string p = dir + "/" + exe;
        if (access(p.c_str(), X_OK) == 0)
            return p;
    }
    return "";
}

bool binutils_available()
{
    for (const char *t : {"objdump", "as", "ld", "objcopy"})
        if (cross_tool(t).empty())
            return false;
    return true;
}

namespace {
std::string g_tmp;
void remove_tmp()
{
    if (!g_tmp.empty() && !std::getenv("VZSIM_KEEP_TMP"))
        (void)!std::system(("rm -rf '" + g_tmp + "'").c_str());
}

// Run a shell command; returns its exit status and its combined output in *out.
int run(const std::string &cmd, std::string *out)
{
    std::string full = cmd + " 2>&1";
    FILE *p = popen(full.c_str(), "r");
    if (!p)
        return -1;
    char buf[65536];
    size_t k;
    while ((k = fread(buf, 1, sizeof buf, p)) > 0)
        if (out)
            out->append(buf, k);
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}
}  // namespace

const std::string &tmp_dir()
{
    if (g_tmp.empty()) {
        char tmpl[] = "/tmp/vzsim-isa-XXXXXX";
        if (!mkdtemp(tmpl))
            std::abort();
        g_tmp = tmpl;
        std::atexit(remove_tmp);
    }
    return g_tmp;
}

void write_words(const std::string &path, const std::vector<uint32_t> &words)
{
    std::vector<unsigned char> b(words.size() * 4);
    for (size_t i = 0; i < words.size(); i++)
        for (int j = 0; j < 4; j++)
            b[i * 4 + j] = (unsigned char)(words[i] >> (8 * j));
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char *>(b.data()), (std::streamsize)b.size());
}

std::vector<uint32_t> read_words(const std::string &path)
{
    std::ifstream f(path, std::ios::binary);
    std::vector<unsigned char> b((std::istreambuf_iterator<char>(f)),
                                 std::istreambuf_iterator<char>());
    std::vector<uint32_t> w(b.size() / 4);
    for (size_t i = 0; i < w.size(); i++)
        w[i] = (uint32_t)b[4 * i] | (uint32_t)b[4 * i + 1] << 8 | (uint32_t)b[4 * i + 2] << 16 |
               (uint32_t)b[4 * i + 3] << 24;
    return w;
}

std::vector<std::string> objdump_words(const std::vector<uint32_t> &words,
                                       const std::string &m_opts, std::string *err,
                                       uint64_t vma)
{
    static int serial;
    std::string bin = tmp_dir() + "/od" + std::to_string(serial++) + ".bin";
    write_words(bin, words);
    // -z: do not collapse runs of zero words into "...".
    std::string cmd = cross_tool("objdump") + " -D -z -b binary -m mips:isa64r6 -EL -M " +
                      m_opts;
    if (vma) {
        char v[40];
        std::snprintf(v, sizeof v, " --adjust-vma=0x%llx", (unsigned long long)vma);
        cmd += v;
    }
    cmd += " '" + bin + "'";
    FILE *p = popen(cmd.c_str(), "r");
    if (!p) {
        *err = "cannot run " + cmd;
        return {};
    }
    std::vector<std::string> text;
    text.reserve(words.size());
    char *line = nullptr;
    size_t cap = 0;
    // Instruction lines look like "   1c:\t0000000d \tbreak". The address column is
    // not used (objdump shortens high addresses): lines come in order, and the hex
    // column must be the word at that index.
    while (getline(&line, &cap, p) > 0) {
        char *colon = std::strchr(line, ':');
        if (!colon || colon[1] != '\t' || colon == line)
            continue;
        bool addr = true;
        for (char *q = line; q < colon; q++)
            addr &= (*q == ' ' || std::isxdigit((unsigned char)*q));
        if (!addr)
            continue;
        char *end;
        unsigned long hex = std::strtoul(colon + 2, &end, 16);
        if (end != colon + 10 || *end != ' ')
            continue;
        if (text.size() >= words.size() || hex != words[text.size()]) {
            *err = cmd + ": unexpected line: " + line;
            break;
        }
        char *t = std::strchr(end, '\t');
        if (!t) {
            *err = cmd + ": no text: " + line;
            break;
        }
        t++;
        size_t n = std::strlen(t);
        while (n && (t[n - 1] == '\n' || t[n - 1] == '\t' || t[n - 1] == ' '))
            n--;
        text.emplace_back(t, n);
    }
    std::free(line);
    int st = pclose(p);
    if (err->empty() && (st != 0 || text.size() != words.size()))
        *err = cmd + ": exit status " + std::to_string(st) + ", " + std::to_string(text.size()) +
               " of " + std::to_string(words.size()) + " words parsed";
    if (!err->empty())
        return {};
    return text;
}

std::vector<uint32_t> assemble(const std::string &source, const std::string &extra_as_flags,
                               std::string *err, uint64_t text_addr)
{
    static int serial;
    std::string base = tmp_dir() + "/as" + std::to_string(serial++);
    {
        std::ofstream f(base + ".s");
        f << source;
    }
    std::string out;
    std::string cmd = cross_tool("as") + " -mips64r6 -mabi=64 -EL " + extra_as_flags + " -o '" +
                      base + ".o' '" + base + ".s'";
    if (run(cmd, &out) != 0) {
        *err = cmd + "\n" + out;
        return {};
    }
    // Link at text_addr so that branches to absolute addresses resolve to the offsets
    // that the disassembler printed for a word at that address (docs/toolchain.md).
    char addr[32];
    std::snprintf(addr, sizeof addr, "0x%llx", (unsigned long long)text_addr);
    cmd = cross_tool("ld") + " --noinhibit-exec -Ttext=" + addr + " -e " + addr + " -o '" + base +
          ".elf' '" + base + ".o'";
    out.clear();
    if (run(cmd, &out) != 0) {
        *err = cmd + "\n" + out;
        return {};
    }
    cmd = cross_tool("objcopy") + " -O binary -j .text '" + base + ".elf' '" + base + ".bin'";
    out.clear();
    if (run(cmd, &out) != 0) {
        *err = cmd + "\n" + out;
        return {};
    }
    return read_words(base + ".bin");
}

}  // namespace vzt
