// tests/core/vz_test.cc - the Virtualization Module, one test per rule, each
// naming its section of shared/docs/vz-facts.md. The root side acts as a minimal
// hypervisor: it maps guest physical memory in the root TLB with a GuestID, sets
// GuestCtl0, enters the guest with ERET and checks the exit. Instruction words come
// from GNU as; expected values come from the VZ facts, not from vzsim.
#include "tests/core/machine.h"

using namespace vzsim_test;

namespace {

constexpr uint64_t kGuestCode = 0xffffffff80000000ull;   // guest kseg0 -> GPA 0
constexpr uint64_t kGuestRpa = 0x300000;                 // where GPA 0 lives

// Root prologue: GuestCtl1 ID = RID = 1; root TLB entry (GuestID 1) mapping GPA
// 0x0000/0x1000 to RPA 0x300000/0x301000 (4 KiB pages, cacheable, D, V, G);
// EPC = guest kseg0 0xffffffff80000000; then the caller sets GuestCtl0 in $6 and
// enters with "enter".
static std::string root_setup(const std::string &gctl0_bits_hi16)
{
    return "lui $2, 0x1\n ori $2, $2, 0x1\n mtc0 $2, $10, 4\n"    // GuestCtl1 RID=1 ID=1
           "dmtc0 $0, $10\n"                                        // EntryHi: VPN2 0
           "ori $3, $0, 0xc017\n mtc0 $3, $2\n"                    // EntryLo0: RPA 0x300000
           "ori $4, $0, 0xc057\n mtc0 $4, $3\n"                    // EntryLo1: RPA 0x301000
           "mtc0 $0, $5\n mtc0 $0, $0\n tlbwi\n ehb\n"
           "lui $5, 0x8000\n dmtc0 $5, $14\n"                       // EPC = guest kseg0
           // Root.EXL = 1 first: GM = 1 with EXL = 0 would enter guest mode at once
           // (§1.1), which is why Linux sets GM in exception context (§1.2)
           "mfc0 $8, $12\n ori $8, $8, 2\n mtc0 $8, $12\n ehb\n"
           "mfc0 $6, $12, 6\n lui $7, " + gctl0_bits_hi16 + "\n or $6, $6, $7\n"
           "mtc0 $6, $12, 6\n ehb\n"                               // GuestCtl0 |= bits
           "eret\n";
}

struct Hv : Machine {
    Hv() { handler("1: bc 1b"); }
    void guest(const std::string &src)
    {
        auto w = assemble(src, kGuestCode);
        ASSERT_FALSE(w.empty());
        ASSERT_EQ(vz_mem_write(mem, kGuestRpa, w.data(), w.size() * 4), 0);
        vz_cpu_invalidate_code(cpu, kGuestRpa, w.size() * 4);
    }
    unsigned gexccode() { return (cp0(VZ_CP0_GUESTCTL0) >> 2) & 31; }
    uint64_t gcp0(vz_cp0_id id) { return vz_cpu_get_guest_cp0(cpu, id); }
};

// GM|CP0 = 0x9000 (bits 31, 28) in the high half of GuestCtl0
const char *kGmCp0 = "0x9000";

TEST(Vz, Config3AdvertisesVz)   // §2.1: Config3.VZ (bit 23) = 1
{
    Machine m;
    EXPECT_TRUE(m.cp0(VZ_CP0_CONFIG3) & (1u << 23));
    EXPECT_FALSE(vz_cpu_get_guest_cp0(m.cpu, VZ_CP0_CONFIG3) & (1u << 23));  // §4.2: guest has no VZ
}

TEST(Vz, EretWithGmEntersGuestAndHypcallExits)   // §1.2, §3.1 HC, §3.2, §4.2
{
    NEED_AS();
    Hv m;
    m.guest("addiu $2, $0, 42\n hypcall 7\n nop");
    m.program(root_setup(kGmCp0));
    vz_cpu_run(m.cpu, 100);
    EXPECT_EQ(m.gpr(2), 42u);                              // ran in guest mode
    EXPECT_EQ(m.exccode(), 27u);                           // GE
    EXPECT_EQ(m.gexccode(), 2u);                           // HC
    EXPECT_EQ(m.cp0(VZ_CP0_EPC), kGuestCode + 4);          // the HYPCALL itself
    auto hc = assemble("hypcall 7");
    EXPECT_EQ(m.cp0(VZ_CP0_BADINSTR), hc[0]);
    EXPECT_FALSE(vz_cpu_in_guest(m.cpu));
    EXPECT_TRUE(m.cp0(VZ_CP0_STATUS) & 2);                 // Root.EXL
    EXPECT_EQ(vz_cpu_get_pc(m.cpu), kBevGeneral);
}

TEST(Vz, GuestReadOfPrIdExitsWithGpsi)   // §3.3: PRId is emulated by root
{
    NEED_AS();
    Hv m;
    m.guest("nop\n mfc0 $3, $15, 0\n nop");
    m.program(root_setup(kGmCp0));
    vz_cpu_run(m.cpu, 100);
    EXPECT_EQ(m.exccode(), 27u);
    EXPECT_EQ(m.gexccode(), 0u);                           // GPSI
    EXPECT_EQ(m.cp0(VZ_CP0_EPC), kGuestCode + 4);
}

TEST(Vz, GuestCp0WithoutGuestCtl0Cp0ExitsWithGpsi)   // §2.2 CP0, §10 #2
{
    NEED_AS();
    Hv m;
    m.guest("mfc0 $3, $12, 0\n nop");
    m.program(root_setup("0x8000"));                       // GM only
    vz_cpu_run(m.cpu, 100);
    EXPECT_EQ(m.exccode(), 27u);
    EXPECT_EQ(m.gexccode(), 0u);
}

TEST(Vz, GuestStatusReadsGuestContext)   // §5.1: guest Status is the guest's own
{
    NEED_AS();
    Hv m;
    m.guest("mfc0 $3, $12, 0\n hypcall\n nop");
    m.program(root_setup(kGmCp0));
    vz_cpu_run(m.cpu, 100);
    EXPECT_EQ(m.gexccode(), 2u);
    EXPECT_EQ(m.gpr(3), 0x00400004u);                      // §5.2: guest reset BEV|ERL
}

TEST(Vz, UnmappedGpaRaisesRootRefillWithGpaInBadVAddr)   // §1.4, §3.1 GPA, §6.1
{
    NEED_AS();
    Hv m;
    // guest kseg0 0xffffffff80100000 -> GPA 0x100000, which root did not map
    m.guest("lui $4, 0x8010\n lw $5, 0($4)\n nop");
    m.program(root_setup(kGmCp0));
    vz_cpu_run(m.cpu, 100);
    EXPECT_EQ(m.exccode(), 2u);                            // TLBL, a root exception
    EXPECT_EQ(m.gexccode(), 10u);                          // GPA
    EXPECT_EQ(m.cp0(VZ_CP0_BADVADDR), 0x100000u);
    EXPECT_EQ(m.cp0(VZ_CP0_ENTRYHI) & ~0xffull, 0x100000u); // §3.2 EntryHi.VPN2 from the GPA
    EXPECT_EQ(m.cp0(VZ_CP0_EPC), kGuestCode + 4);
    EXPECT_EQ(vz_cpu_get_pc(m.cpu), kBevGeneral - 0x180);  // refill vector, KX = 0
}

TEST(Vz, GuestIdIsolatesRootEntries)   // §6.2: lookups match GuestCtl1.ID
{
    NEED_AS();
    Hv m;
    m.guest("addiu $2, $0, 1\n hypcall\n nop");
    // same mapping, but written with RID = 2 while the guest runs with ID = 1
    std::string s = root_setup(kGmCp0);
    s.replace(s.find("lui $2, 0x1\n ori $2, $2, 0x1\n"), 30,
              "lui $2, 0x2\n ori $2, $2, 0x1\n");
    m.program(s);
    vz_cpu_run(m.cpu, 100);
    EXPECT_EQ(m.gpr(2), 0x20001u);                         // the guest never ran (root's $2)
    EXPECT_EQ(m.exccode(), 2u);                            // fetch of GPA 0 misses
    EXPECT_EQ(m.gexccode(), 10u);
    EXPECT_EQ(m.cp0(VZ_CP0_BADVADDR), 0u);
}

TEST(Vz, GuestSyscallIsTakenByTheGuest)   // §1.4: SYSCALL goes to the guest
{
    NEED_AS();
    Hv m;
    // guest exception with guest BEV = 1: guest vector GVA 0xffffffffbfc00380 ->
    // GPA 0x1fc00380, unmapped in root: the fetch there exits with GPA
    m.guest("syscall\n nop");
    m.program(root_setup(kGmCp0));
    vz_cpu_run(m.cpu, 100);
    EXPECT_EQ((m.gcp0(VZ_CP0_CAUSE) >> 2) & 31, 8u);       // guest Cause: Sys
    EXPECT_EQ(m.gcp0(VZ_CP0_EPC), kGuestCode);
    EXPECT_TRUE(m.gcp0(VZ_CP0_STATUS) & 2);                // guest EXL
    EXPECT_EQ(m.exccode(), 2u);
    EXPECT_EQ(m.gexccode(), 10u);
    EXPECT_EQ(m.cp0(VZ_CP0_BADVADDR), 0x1fc00380u);
}

TEST(Vz, ReservedInstructionRedirectsWithGuestCtl0Ri)   // §2.2 RI, §3.1 GRR
{
    NEED_AS();
    Hv m;
    m.guest("nop\n .word 0x70000000\n nop");               // SPECIAL2: removed in R6
    m.program(root_setup("0xd000"));                       // GM | RI | CP0
    vz_cpu_run(m.cpu, 100);
    EXPECT_EQ(m.exccode(), 27u);
    EXPECT_EQ(m.gexccode(), 3u);                           // GRR
    EXPECT_EQ(m.cp0(VZ_CP0_EPC), kGuestCode + 4);
}

TEST(Vz, RootOnlyInstructionInGuestIsGuestReservedInstruction)   // §4.2
{
    NEED_AS();
    Hv m;
    m.guest("mfgc0 $3, $12, 0\n nop");
    m.program(root_setup(kGmCp0));
    vz_cpu_run(m.cpu, 100);
    EXPECT_EQ((m.gcp0(VZ_CP0_CAUSE) >> 2) & 31, 10u);      // RI in the guest context
    EXPECT_EQ(m.gcp0(VZ_CP0_EPC), kGuestCode);
}

TEST(Vz, WaitInGuestExitsWithGpsi)   // §3.3
{
    NEED_AS();
    Hv m;
    m.guest("wait\n nop");
    m.program(root_setup(kGmCp0));
    vz_cpu_run(m.cpu, 100);
    EXPECT_EQ(m.exccode(), 27u);
    EXPECT_EQ(m.gexccode(), 0u);
    EXPECT_EQ(m.cp0(VZ_CP0_EPC), kGuestCode);
}

TEST(Vz, GuestCountIsRootCountPlusGtOffset)   // §2.7, §2.2 GT
{
    NEED_AS();
    Hv m;
    m.guest("mfc0 $3, $9, 0\n hypcall\n nop");
    m.handler("mfc0 $4, $9, 0\n1: bc 1b");                // root samples Count at once
    // GT = bit 25 -> 0x9200 high half; GTOffset = 0x10000
    std::string s = "lui $9, 0x1\n mtc0 $9, $12, 7\n" + root_setup("0x9200");
    m.program(s);
    vz_cpu_run(m.cpu, 100);
    ASSERT_EQ(m.gexccode(), 2u);
    uint64_t root_now = m.gpr(4);
    uint64_t guest_then = m.gpr(3);
    // two instructions apart (HYPCALL, then the handler's MFC0); Count advances
    // at most once per two executed instructions
    EXPECT_GE(guest_then, 0x10000u);
    EXPECT_LE(root_now + 0x10000u - guest_then, 1u);
}

TEST(Vz, GuestCountWithoutGtExitsWithGpsi)   // §3.3
{
    NEED_AS();
    Hv m;
    m.guest("mfc0 $3, $9, 0\n nop");
    m.program(root_setup(kGmCp0));
    vz_cpu_run(m.cpu, 100);
    EXPECT_EQ(m.exccode(), 27u);
    EXPECT_EQ(m.gexccode(), 0u);
}

TEST(Vz, InjectedVirtualInterruptIsTakenByTheGuest)   // §2.5 VIP
{
    NEED_AS();
    Hv m;
    // guest: Status = BEV | IM2 | IE (0x00400401), EXL = ERL = 0, then spin
    m.guest("lui $3, 0x40\n ori $3, $3, 0x401\n mtc0 $3, $12, 0\n ehb\n1: bc 1b");
    // root: GuestCtl2.VIP bit 10 (IP2)
    std::string s = "ori $9, $0, 0x400\n mtc0 $9, $10, 5\n" + root_setup(kGmCp0);
    m.program(s);
    vz_cpu_run(m.cpu, 200);
    EXPECT_EQ((m.gcp0(VZ_CP0_CAUSE) >> 2) & 31, 0u);       // guest Int
    EXPECT_TRUE(m.gcp0(VZ_CP0_CAUSE) & (1u << 10));        // guest IP2 from VIP
    EXPECT_EQ(m.gexccode(), 10u);                          // then the guest vector fetch exits
    EXPECT_EQ(m.cp0(VZ_CP0_BADVADDR), 0x1fc00380u);
}

TEST(Vz, RootInterruptInGuestModeExitsToRoot)   // §1.4: root interrupt -> root
{
    NEED_AS();
    Hv m;
    m.guest("1: bc 1b");
    // Root.Status IE | IM2 while in guest mode
    std::string s = root_setup(kGmCp0);
    s.replace(s.find("ori $8, $8, 2\n"), 14, "ori $8, $8, 0x403\n");
    m.program(s);
    vz_cpu_run(m.cpu, 60);
    ASSERT_TRUE(vz_cpu_in_guest(m.cpu));
    vz_cpu_set_irq(m.cpu, 2, 1);
    vz_cpu_run(m.cpu, 2);
    EXPECT_FALSE(vz_cpu_in_guest(m.cpu));
    EXPECT_EQ(m.exccode(), 0u);                            // Int, not GE
    EXPECT_EQ(m.cp0(VZ_CP0_EPC), kGuestCode);
}

TEST(Vz, GuestTlbWriteAndTwoStageTranslation)   // §6.1, §6.2 with AT = 3
{
    NEED_AS();
    Hv m;
    // the guest maps its useg page 0x40000 to GPA 0x1000 (the odd root page ->
    // RPA 0x301000), stores through it and reads back through guest kseg0
    m.guest("lui $2, 0x4\n dmtc0 $2, $10\n"                // guest EntryHi VPN2 0x40000
            "ori $3, $0, 0x57\n mtc0 $3, $2\n"             // EntryLo0: PFN 1, C=2, D, V, G
            "ori $4, $0, 0x1\n mtc0 $4, $3\n mtc0 $0, $5\n mtc0 $0, $0\n tlbwi\n ehb\n"
            "mfc0 $5, $12\n ori $5, $5, 0x0\n ins $5, $0, 2, 1\n mtc0 $5, $12\n ehb\n" // ERL=0
            "lui $6, 0x4\n ori $7, $0, 0x77\n sw $7, 16($6)\n"
            "lui $8, 0x8000\n lw $9, 0x1010($8)\n hypcall\n nop");
    m.program(root_setup(kGmCp0));
    vz_cpu_run(m.cpu, 200);
    ASSERT_EQ(m.gexccode(), 2u);
    EXPECT_EQ(m.gpr(9), 0x77u);
    uint32_t v = 0;
    ASSERT_EQ(vz_mem_read(m.mem, 0x301010, &v, 4), 0);
    EXPECT_EQ(v, 0x77u);
}


TEST(Vz, GuestStatusCu1ChangeExitsWithGsfc)   // §3.1 GSFC, §3.4
{
    NEED_AS();
    Hv m;
    // guest sets Status.CU1 (bit 29): a root-sensitive field
    m.guest("mfc0 $3, $12, 0\n lui $4, 0x2000\n or $3, $3, $4\n mtc0 $3, $12, 0\n nop");
    m.program(root_setup(kGmCp0));
    vz_cpu_run(m.cpu, 100);
    EXPECT_EQ(m.exccode(), 27u);
    EXPECT_EQ(m.gexccode(), 1u);                           // GSFC
    EXPECT_EQ(m.cp0(VZ_CP0_EPC), kGuestCode + 12);
    EXPECT_FALSE(m.gcp0(VZ_CP0_STATUS) & (1u << 29));      // not performed (§3.2)
}

TEST(Vz, Sfc1LetsTheGuestChangeCu1WithoutExit)   // §2.2 SFC1
{
    NEED_AS();
    Hv m;
    m.guest("mfc0 $3, $12, 0\n lui $4, 0x2000\n or $3, $3, $4\n mtc0 $3, $12, 0\n hypcall\n nop");
    std::string s = root_setup(kGmCp0);
    // set SFC1 (bit 0) in GuestCtl0 too
    s.replace(s.find("or $6, $6, $7\n"), 14, "or $6, $6, $7\n ori $6, $6, 1\n");
    m.program(s);
    vz_cpu_run(m.cpu, 100);
    EXPECT_EQ(m.gexccode(), 2u);                           // reached the HYPCALL
}

TEST(Vz, ModeChangeTrapExitsWithGhfcAfterTheGuestException)   // §2.2 MC, §3.1 GHFC, §3.4
{
    NEED_AS();
    Hv m;
    m.guest("syscall\n nop");
    m.program(root_setup("0xb000"));                       // GM | MC | CP0
    vz_cpu_run(m.cpu, 100);
    EXPECT_EQ(m.exccode(), 27u);
    EXPECT_EQ(m.gexccode(), 9u);                           // GHFC
    EXPECT_EQ((m.gcp0(VZ_CP0_CAUSE) >> 2) & 31, 8u);       // the change already happened
    EXPECT_TRUE(m.gcp0(VZ_CP0_STATUS) & 2);
    EXPECT_EQ(m.cp0(VZ_CP0_EPC), 0xffffffffbfc00380ull);   // resume at the guest vector
}

TEST(Vz, FieldChangeDisableSuppressesGhfc)   // §2.3 FCD
{
    NEED_AS();
    Hv m;
    m.guest("syscall\n nop");
    std::string s = "ori $9, $0, 0x8\n mtc0 $9, $11, 4\n" + root_setup("0xb000");
    m.program(s);
    vz_cpu_run(m.cpu, 100);
    EXPECT_EQ(m.gexccode(), 10u);                          // no GHFC: the vector fetch faults
    EXPECT_EQ(m.cp0(VZ_CP0_BADVADDR), 0x1fc00380u);
}

TEST(Vz, GuestTlbInstructionWithRootControlledMmuExits)   // §2.2 AT, [M] §10 #17
{
    NEED_AS();
    Hv m;
    m.guest("tlbwi\n nop");
    // GM | CP0 with AT = 1: clear bit 27 of the reset AT = 3
    std::string s = root_setup(kGmCp0);
    s.replace(s.find("or $6, $6, $7\n"), 14, "or $6, $6, $7\n ins $6, $0, 27, 1\n");
    m.program(s);
    vz_cpu_run(m.cpu, 100);
    EXPECT_EQ(m.exccode(), 27u);
    EXPECT_EQ(m.gexccode(), 0u);
}

TEST(Vz, CacheHitOpsNeedCgAndIndexOpsNeedCgi)   // §2.2 CG, §2.3 CGI
{
    NEED_AS();
    for (int variant = 0; variant < 4; variant++) {
        Hv m;
        // op 0x15 = Hit Writeback Invalidate D (type 5), op 0x01 = Index WB Inv D (type 0)
        m.guest(variant < 2 ? "cache 0x15, 0($0)\n hypcall\n nop" : "cache 0x01, 0($0)\n hypcall\n nop");
        std::string bits = variant == 1 ? "0x9100" : kGmCp0;   // CG = bit 24
        std::string pre = variant == 3 ? "ori $9, $0, 0x10\n mtc0 $9, $11, 4\n" : "";  // CGI
        m.program(pre + root_setup(bits));
        vz_cpu_run(m.cpu, 100);
        unsigned expect = (variant == 1 || variant == 3) ? 2u /* HC: allowed */ : 0u /* GPSI */;
        EXPECT_EQ(m.gexccode(), expect) << "variant " << variant;
    }
}

TEST(Vz, GuestConfigWriteNeedsCf)   // §2.2 CF, §5.3
{
    NEED_AS();
    for (int cf = 0; cf < 2; cf++) {
        Hv m;
        m.guest("mfc0 $3, $16, 0\n ins $3, $0, 0, 3\n ori $3, $3, 2\n mtc0 $3, $16, 0\n"
                "mfc0 $5, $16, 0\n hypcall\n nop");
        m.program(root_setup(cf ? "0x9080" : kGmCp0));      // CF = bit 23
        vz_cpu_run(m.cpu, 100);
        if (cf) {
            EXPECT_EQ(m.gexccode(), 2u);
            EXPECT_EQ(m.gpr(5) & 7, 2u);                   // K0 changed by the guest
        } else {
            EXPECT_EQ(m.gexccode(), 0u);                   // GPSI
            EXPECT_EQ(m.cp0(VZ_CP0_EPC), kGuestCode + 12);
        }
    }
}

TEST(Vz, PipPassesARootLineToTheGuest)   // §2.2 PIP
{
    NEED_AS();
    Hv m;
    m.guest("lui $3, 0x40\n ori $3, $3, 0x401\n mtc0 $3, $12, 0\n ehb\n1: bc 1b");
    // PIP bit 10 routes root IP2 to guest IP2; root IE stays 0 (no root interrupt)
    std::string s = root_setup(kGmCp0);
    s.replace(s.find("or $6, $6, $7\n"), 14, "or $6, $6, $7\n ori $6, $6, 0x400\n");
    m.program(s);
    vz_cpu_run(m.cpu, 60);
    ASSERT_TRUE(vz_cpu_in_guest(m.cpu));
    vz_cpu_set_irq(m.cpu, 2, 1);
    vz_cpu_run(m.cpu, 3);
    EXPECT_EQ((m.gcp0(VZ_CP0_CAUSE) >> 2) & 31, 0u);       // guest interrupt
    EXPECT_TRUE(m.gcp0(VZ_CP0_CAUSE) & (1u << 10));
}

TEST(Vz, GuestTimerThroughGuestCompare)   // §2.7, §1.4 guest interrupt
{
    NEED_AS();
    Hv m;
    // GT = 1: the guest programs its own Compare 20 ticks ahead and waits with IM7|IE
    m.guest("mfc0 $3, $9, 0\n addiu $3, $3, 20\n mtc0 $3, $11, 0\n"
            "lui $4, 0x40\n ori $4, $4, 0x8001\n mtc0 $4, $12, 0\n ehb\n1: bc 1b");
    m.program(root_setup("0x9200"));
    vz_cpu_run(m.cpu, 300);
    EXPECT_EQ((m.gcp0(VZ_CP0_CAUSE) >> 2) & 31, 0u);
    EXPECT_TRUE(m.gcp0(VZ_CP0_CAUSE) & (1u << 30));        // guest TI
    EXPECT_TRUE(m.gcp0(VZ_CP0_CAUSE) & (1u << 15));        // guest IP7
    EXPECT_FALSE(m.cp0(VZ_CP0_CAUSE) & (1u << 30));        // root TI untouched
}

TEST(Vz, GuestTlbRefillIsHandledByTheGuestWithoutAnExit)   // §1.4 guest TLB refill
{
    NEED_AS();
    Hv m;
    // guest EBase = GVA 0xffffffff80000000 with BEV = 0: its refill handler at +0
    // (GPA 0 = RPA 0x300000) writes the mapping with TLBWR and returns.
    auto handler = assemble(
        "dmfc0 $26, $10\n"                                    // EntryHi (VPN2 of the miss)
        "ori $27, $0, 0x57\n mtc0 $27, $2\n"                 // EntryLo0: GPA 0x1000
        "ori $27, $0, 0x1\n mtc0 $27, $3\n tlbwr\n ehb\n eret\n", kGuestCode);
    std::vector<uint32_t> code = assemble(
        "mfc0 $5, $12\n ins $5, $0, 22, 1\n ins $5, $0, 2, 1\n mtc0 $5, $12\n ehb\n"  // BEV=ERL=0
        "lui $6, 0x4\n lw $7, 0($6)\n hypcall\n nop", kGuestCode + 0x400);
    ASSERT_EQ(vz_mem_write(m.mem, kGuestRpa, handler.data(), handler.size() * 4), 0);
    ASSERT_EQ(vz_mem_write(m.mem, kGuestRpa + 0x400, code.data(), code.size() * 4), 0);
    uint32_t magic = 0xabcd;
    ASSERT_EQ(vz_mem_write(m.mem, 0x301000, &magic, 4), 0);
    std::string s = root_setup(kGmCp0);
    s.replace(s.find("lui $5, 0x8000\n"), 15, "lui $5, 0x8000\n ori $5, $5, 0x400\n");
    m.program(s);
    vz_cpu_run(m.cpu, 200);
    EXPECT_EQ(m.gexccode(), 2u);                           // the only exit is the HYPCALL
    EXPECT_EQ(m.gpr(7), 0xabcdu);
    EXPECT_EQ((m.gcp0(VZ_CP0_CAUSE) >> 2) & 31, 2u);       // the guest took TLBL itself
}

TEST(Vz, TlbgInstructionsUseRidAndTlbrLoadsIt)   // §2.4 RID, §4.2, §6.2
{
    NEED_AS();
    Machine m;
    // root writes a guest TLB entry with TLBGWI (RID = 5), probes it with TLBGP
    // under RID 5 (hit) and RID 6 (miss), then reads a root entry written under
    // RID 7 with TLBR and finds RID = 7
    m.program("lui $2, 0x5\n mtc0 $2, $10, 4\n"                 // RID = 5
              "lui $3, 0x4\n dmtgc0 $3, $10, 0\n"               // Guest.EntryHi
              "ori $4, $0, 0x57\n mtgc0 $4, $2, 0\n ori $4, $0, 1\n mtgc0 $4, $3, 0\n"
              "mtgc0 $0, $5, 0\n mtgc0 $0, $0, 0\n tlbgwi\n ehb\n"
              "tlbgp\n ehb\n mfgc0 $8, $0, 0\n"                  // hit: Guest.Index = 0
              "lui $2, 0x6\n mtc0 $2, $10, 4\n ehb\n tlbgp\n ehb\n mfgc0 $9, $0, 0\n"  // miss
              "lui $2, 0x7\n mtc0 $2, $10, 4\n"
              "lui $3, 0x8\n dmtc0 $3, $10\n ori $4, $0, 0x57\n mtc0 $4, $2\n"
              "ori $4, $0, 1\n mtc0 $4, $3\n ori $5, $0, 3\n mtc0 $5, $0\n tlbwi\n"
              "mtc0 $0, $10, 4\n ehb\n tlbr\n ehb\n mfc0 $10, $10, 4\n"
              "1: bc 1b");
    vz_cpu_run(m.cpu, 80);
    EXPECT_EQ(m.gpr(8), 0u);
    EXPECT_EQ(m.gpr(9) & 0x80000000u, 0x80000000u);        // P
    EXPECT_EQ((m.gpr(10) >> 16) & 0xff, 7u);               // TLBR loaded RID
}

}  // namespace
