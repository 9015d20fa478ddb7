using System.Text;
using MiniQmail.Injector;
using MiniQmail.Injector.Header;
using MiniQmail.Injector.Inject;
using MiniQmail.Injector.Sendmail;
using MiniQmail.Injector.Tools;
using MiniQmail.Tests.Injector.Vectors;
using Xunit;

namespace MiniQmail.Tests.Injector;

/// <summary>predate, datemail, mailsubj, forward, maildirmake and maildir2mbox (tools.md; vectors S17–S19).</summary>
public sealed class HelperTests(VectorFixture fixture) : IClassFixture<VectorFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mq-helpers-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Mailsubj_builds_subject_and_to_and_injects_them_S17()
    {
        var v = VectorFile.Get("S17");
        var words = VectorHarness.Words(v.Arguments);
        var input = new ConcatStream(MailSubj.Header(words[0], words[1..]), new MemoryStream(v.Input));
        var (result, queue, stdout) = fixture.Harness.RunInject(v, [], VectorHarness.Env(v.Environment), input);
        VectorHarness.Check(v, result, queue, stdout);
    }

    [Fact]
    public void Datemail_puts_a_local_date_in_front_and_runs_sendmail_S18()
    {
        var v = VectorFile.Get("S18");
        var zone = TimeZoneInfo.FindSystemTimeZoneById(v.Environment["TZ"]);
        var input = new ConcatStream(Predate.DateLine(new FixedClock(VectorHarness.Frozen), zone), new MemoryStream(v.Input));
        InjectResult? inner = null;
        CaptureQueue? queue = null;
        var result = SendmailRunner.Run("sendmail", VectorHarness.Words(v.Arguments), fixture.Harness.Layout("C1").Home,
            VectorHarness.Env(v.Environment), new SendmailServices
            {
                Inject = (args, env) =>
                {
                    (inner, queue, _) = fixture.Harness.RunInject(v, args, env, input);
                    return inner;
                },
                ListQueue = () => null,
                FlushQueue = () => null,
                Smtp = () => 1,
            });
        VectorHarness.Check(v, result, queue!, []);
    }

    [Theory]
    [InlineData("America/New_York", "4 Jan 2024 22:04:05 -0500")]
    [InlineData("Asia/Kolkata", "5 Jan 2024 08:34:05 +0530")]
    [InlineData("UTC", "5 Jan 2024 03:04:05 +0000")]
    public void Predate_writes_local_time_with_a_numeric_offset(string zone, string expected) =>
        Assert.Equal(expected, Stamps.LocalDate(1704423845, TimeZoneInfo.FindSystemTimeZoneById(zone)));

    [Fact]
    public void Predate_feeds_the_date_and_its_input_to_the_child_and_returns_its_status_S19()
    {
        var v = VectorFile.Get("S19");
        var output = Path.Combine(_dir, "child.out");
        var (code, diagnostic) = Predate.Run(VectorHarness.Words(["sh", "-c", $"cat > '{output}'; exit 3"]), [],
            new FixedClock(VectorHarness.Frozen), TimeZoneInfo.FindSystemTimeZoneById(v.Environment["TZ"]), new MemoryStream(v.Input));
        Assert.Equal(3, code);
        Assert.Equal("", diagnostic);
        Assert.Equal(VectorHarness.Show(Vector.Decode(v.Stdout!)), VectorHarness.Show(File.ReadAllBytes(output)));
    }

    [Fact]
    public void Predate_without_a_child_is_a_usage_error_and_a_missing_child_a_temporary_one()
    {
        Assert.Equal((100, "predate: usage: predate child\n"), Predate.Run([], [], TimeProvider.System, TimeZoneInfo.Utc, Stream.Null));
        var (code, diagnostic) = Predate.Run(VectorHarness.Words(["/nonexistent/child"]), [], TimeProvider.System, TimeZoneInfo.Utc, Stream.Null);
        Assert.Equal(111, code);
        Assert.StartsWith("predate: fatal: unable to run /nonexistent/child: ", diagnostic, StringComparison.Ordinal);
    }

    [Fact]
    public void Mailsubj_encodes_a_non_ascii_subject_as_rfc2047_words()
    {
        var header = Encoding.Latin1.GetString(MailSubj.Header(Encoding.UTF8.GetBytes("Grüße"), [[.. "bob"u8]]));
        Assert.Equal("Subject: =?UTF-8?B?R3LDvMOfZQ==?=\nTo: bob\n\n", header);
        var latin1 = Encoding.Latin1.GetString(MailSubj.Header([0x63, 0x61, 0x66, 0xe9], []));
        Assert.Equal("Subject: =?unknown-8bit?B?Y2Fm6Q==?=\nTo:\n\n", latin1);
    }

    [Fact]
    public void A_long_non_ascii_subject_is_split_into_words_on_character_boundaries()
    {
        var subject = string.Concat(Enumerable.Repeat("ü", 60));
        var header = Encoding.ASCII.GetString(MailSubj.Header(Encoding.UTF8.GetBytes(subject), []));
        var words = header.Split('\n')[0..3];
        Assert.All(words, w => Assert.True(w.Length <= 78, w));
        var decoded = string.Concat(header.Split("=?UTF-8?B?").Skip(1).Select(w => Encoding.UTF8.GetString(Convert.FromBase64String(w[..w.IndexOf('?', StringComparison.Ordinal)]))));
        Assert.Equal(subject, decoded);
    }

    [Fact]
    public void Forward_sends_dtline_and_input_unchanged_with_newsender_and_the_arguments()
    {
        var queue = new CaptureQueue(0);
        var env = VectorHarness.Env(new Dictionary<string, string> { ["NEWSENDER"] = "s@x.example", ["DTLINE"] = "Delivered-To: me@x.example\n" });
        var (code, diagnostic) = Forward.Run(VectorHarness.Words(["a", "b c"]), env, new MemoryStream("To: x\n\nbody"u8.ToArray()), () => queue, 77);
        Assert.Equal(0, code);
        Assert.Equal("forward: qp 77\n", Encoding.ASCII.GetString(diagnostic));
        Assert.Equal("Delivered-To: me@x.example\nTo: x\n\nbody", Encoding.Latin1.GetString(queue.Captured.ToArray()));
        Assert.Equal("Fs@x.example\0Ta\0Tb c\0\0", Encoding.Latin1.GetString(queue.Envelope!));
    }

    [Fact]
    public void Forward_needs_newsender_then_dtline_and_maps_queue_failures()
    {
        Assert.Equal("forward: fatal: NEWSENDER not set\n", Encoding.ASCII.GetString(
            Forward.Run([], VectorHarness.Env(new Dictionary<string, string>()), Stream.Null, () => null, 1).Diagnostic));
        var env = VectorHarness.Env(new Dictionary<string, string> { ["NEWSENDER"] = "s" });
        Assert.Equal((100, "forward: fatal: DTLINE not set\n"), Text(Forward.Run([], env, Stream.Null, () => null, 1)));
        env = VectorHarness.Env(new Dictionary<string, string> { ["NEWSENDER"] = "s", ["DTLINE"] = "D\n" });
        Assert.Equal((100, "forward: fatal: mail server permanently rejected message (#5.3.0)\n"),
            Text(Forward.Run([], env, Stream.Null, () => new CaptureQueue(31), 1)));
    }

    [Fact]
    public void Maildirmake_creates_a_private_maildir_and_refuses_an_existing_one()
    {
        var name = Path.Combine(_dir, "Maildir");
        Assert.Equal((0, ""), MaildirMake.Run([name]));
        foreach (var sub in new[] { "", "tmp", "new", "cur" })
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(name, sub)));
        var (code, diagnostic) = MaildirMake.Run([name]);
        Assert.Equal(111, code);
        Assert.StartsWith($"maildirmake: fatal: unable to mkdir {name}: ", diagnostic, StringComparison.Ordinal);
        Assert.Equal((100, "maildirmake: usage: maildirmake name\n"), MaildirMake.Run([]));
    }

    [Fact]
    public void Maildir2mbox_appends_messages_in_mbox_form_and_removes_them()
    {
        var maildir = Path.Combine(_dir, "md");
        MaildirMake.Run([maildir]);
        File.WriteAllText(Path.Combine(_dir, "mbox"), "From old Fri Jan 05 00:00:00 2024\nold\n\n");
        var first = Path.Combine(maildir, "new", "1.a");
        File.WriteAllText(first, "Return-Path: <joe@x.example>\nSubject: a\n\nFrom here\n>From there\nlast line");
        File.SetLastWriteTimeUtc(first, new DateTime(2024, 1, 5, 3, 4, 5, DateTimeKind.Utc));
        var second = Path.Combine(maildir, "cur", "2.b:2,S");
        File.WriteAllText(second, "Return-Path: <>\nSubject: b\n\nb\n");
        File.SetLastWriteTimeUtc(second, new DateTime(2024, 1, 6, 3, 4, 5, DateTimeKind.Utc));
        var env = new Dictionary<string, string> { ["MAIL"] = "../mbox", ["MAILTMP"] = "../mbox.tmp", ["MAILDIR"] = maildir };

        var (code, diagnostic) = Maildir2Mbox.Run(n => env.GetValueOrDefault(n), new FixedClock(DateTimeOffset.UtcNow));

        Assert.Equal((0, ""), (code, diagnostic));
        Assert.Equal(
            "From old Fri Jan 05 00:00:00 2024\nold\n\n" +
            "From joe@x.example Fri Jan 05 03:04:05 2024\nReturn-Path: <joe@x.example>\nSubject: a\n\n>From here\n>>From there\nlast line\n\n" +
            "From MAILER-DAEMON Sat Jan 06 03:04:05 2024\nReturn-Path: <>\nSubject: b\n\nb\n\n",
            File.ReadAllText(Path.Combine(_dir, "mbox")));
        Assert.False(File.Exists(first));
        Assert.False(File.Exists(second));
    }

    [Fact]
    public void Maildir2mbox_checks_its_variables_in_order()
    {
        Assert.Equal((111, "maildir2mbox: fatal: MAIL not set\n"), Maildir2Mbox.Run(_ => null, TimeProvider.System));
        Assert.Equal((111, "maildir2mbox: fatal: MAILTMP not set\n"), Maildir2Mbox.Run(n => n == "MAIL" ? "m" : null, TimeProvider.System));
        Assert.Equal((111, "maildir2mbox: fatal: MAILDIR not set\n"), Maildir2Mbox.Run(n => n == "MAILDIR" ? null : "m", TimeProvider.System));
    }

    private static (int, string) Text((int Code, byte[] Diagnostic) r) => (r.Code, Encoding.ASCII.GetString(r.Diagnostic));
}
