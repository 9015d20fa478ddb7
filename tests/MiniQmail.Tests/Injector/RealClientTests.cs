using System.Text;
using MiniQmail.Tests.Support;
using Xunit;

namespace MiniQmail.Tests.Injector;

/// <summary>
/// Real mail clients pointed at our sendmail deliver through qmail-inject and the QMQP client
/// to Postfix's qmqpd, and the message is found in the mailbox. The clients are installed by
/// .ci/run (bsd-mailx, git-email, libmailtools-perl, php-cli); locally a missing one skips the test.
/// </summary>
public sealed class RealClientTests : IDisposable
{
    private readonly ScratchHome _home = new();

    public void Dispose() => _home.Dispose();

    private static void RequireTool(string path)
    {
        if (File.Exists(path))
            return;
        if (Environment.GetEnvironmentVariable("CI") is { Length: > 0 })
            Assert.Fail($"{path} is missing: .ci/run must install it");
        Skip.If(true, $"{path} is not installed");
    }

    private PostfixServer Postfix()
    {
        var postfix = PostfixServer.Require();
        _home.Servers(postfix.Entry);
        return postfix;
    }

    [SkippableFact]
    public void Bsd_mailx_sends_through_our_sendmail_to_the_postfix_mailbox()
    {
        var postfix = Postfix();
        RequireTool("/usr/bin/mail");
        var token = $"mailx-{Guid.NewGuid():N}";
        var rc = Path.Combine(_home.Root, "mailrc");
        File.WriteAllText(rc, $"set sendmail={_home.Bin("sendmail")}\n");
        var result = ProgramRunner.Run("/usr/bin/mail", ["-s", token, postfix.Address("carolyn")], Encoding.ASCII.GetBytes("hello from mailx\n"),
            _home.Environment(("MAILRC", rc), ("HOME", _home.Root), ("USER", "joe")));
        Assert.True(result.ExitCode == 0, result.ToString());
        var delivered = PostfixServer.WaitForMessage("carolyn", token);
        Assert.Contains($"Subject: {token}", delivered, StringComparison.Ordinal);
        Assert.Contains("From: joe@", delivered, StringComparison.Ordinal);
        Assert.Contains("hello from mailx", delivered, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Git_send_email_sends_a_patch_through_our_sendmail_to_the_postfix_mailbox()
    {
        var postfix = Postfix();
        RequireTool("/usr/lib/git-core/git-send-email");
        var token = $"git-send-email-{Guid.NewGuid():N}";
        var repo = Path.Combine(_home.Root, "repo");
        Directory.CreateDirectory(repo);
        File.WriteAllText(Path.Combine(repo, "file.txt"), token + "\n");
        var env = _home.Environment(("HOME", _home.Root), ("GIT_CONFIG_NOSYSTEM", "1"), ("GIT_AUTHOR_NAME", "Joe"),
            ("GIT_AUTHOR_EMAIL", "joe@example.com"), ("GIT_COMMITTER_NAME", "Joe"), ("GIT_COMMITTER_EMAIL", "joe@example.com"));
        void Git(params string[] args)
        {
            var r = ProgramRunner.Run("/usr/bin/git", args, [], env, workingDirectory: repo);
            Assert.True(r.ExitCode == 0, $"git {string.Join(' ', args)}: {r}");
        }
        Git("init", "-q", ".");
        Git("add", "file.txt");
        Git("commit", "-q", "-m", token);
        Git("format-patch", "-1", "-q", "-o", "out");
        var patch = Directory.GetFiles(Path.Combine(repo, "out")).Single();
        Git("send-email", "--quiet", "--confirm=never", "--suppress-cc=all", "--from=Joe <joe@example.com>",
            $"--to={postfix.Address("carolyn")}", $"--sendmail-cmd={_home.Bin("sendmail")}", patch);
        var delivered = PostfixServer.WaitForMessage("carolyn", token);
        Assert.Contains($"[PATCH] {token}", delivered, StringComparison.Ordinal);
        Assert.Contains("+" + token, delivered, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Php_mail_sends_through_our_sendmail_to_the_postfix_mailbox()
    {
        var postfix = Postfix();
        RequireTool("/usr/bin/php");
        var token = $"php-mail-{Guid.NewGuid():N}";
        var script = $"exit(mail('{postfix.Address("carolyn")}', '{token}', \"hello from php\\n\", 'From: app@example.com') ? 0 : 1);";
        var result = ProgramRunner.Run("/usr/bin/php", ["-n", "-d", $"sendmail_path={_home.Bin("sendmail")} -t -i", "-r", script], [],
            _home.Environment(("USER", "www-data")));
        Assert.True(result.ExitCode == 0, result.ToString());
        var delivered = PostfixServer.WaitForMessage("carolyn", token);
        Assert.Contains("From: app@example.com", delivered, StringComparison.Ordinal);
        Assert.Contains("hello from php", delivered, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Sendmail_t_and_sendmail_bs_deliver_to_the_postfix_mailbox()
    {
        var postfix = Postfix();
        var token = $"direct-{Guid.NewGuid():N}";
        var to = postfix.Address("alice");
        var result = ProgramRunner.Run(_home.Bin("sendmail"), ["-t"], Encoding.ASCII.GetBytes($"To: {to}\nSubject: {token}-t\n\nbody\n"),
            _home.Environment(("USER", "joe")));
        Assert.True(result.ExitCode == 0, result.ToString());
        var smtp = ProgramRunner.Run(_home.Bin("sendmail"), ["-bs"],
            Encoding.ASCII.GetBytes($"HELO app\r\nMAIL FROM:<app@example.com>\r\nRCPT TO:<{to}>\r\nDATA\r\nSubject: {token}-bs\r\n\r\n..body\r\n.\r\nQUIT\r\n"),
            _home.Environment(("USER", "www-data")));
        Assert.True(smtp.ExitCode == 0, smtp.ToString());
        Assert.Contains("\r\n250 ok\r\n221 ", smtp.StdoutText, StringComparison.Ordinal);
        Assert.Contains("body", PostfixServer.WaitForMessage("alice", token + "-t"), StringComparison.Ordinal);
        var viaSmtp = PostfixServer.WaitForMessage("alice", token + "-bs");
        Assert.Contains("Return-Path: <app@example.com>", viaSmtp, StringComparison.Ordinal);
        Assert.Contains("\n.body\n", viaSmtp, StringComparison.Ordinal);
    }
}
