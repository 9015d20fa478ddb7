using System.Text;
using MiniQmail.Tests.Support;
using Xunit;

namespace MiniQmail.Tests.Installer;

/// <summary>From nothing to a delivered message: install, config-mini, qmail-inject, Postfix.</summary>
public class EndToEndTests
{
    private const string Home = InstallScratch.Home;

    [SkippableFact]
    public void Install_config_mini_and_qmail_inject_deliver_to_carolyns_mailbox()
    {
        var postfix = PostfixServer.Require();
        var root = Directory.CreateTempSubdirectory("mini-qmail-e2e.").FullName;
        try
        {
            var install = ProgramRunner.Run(Programs.Executable, ["install", "--root", root, "--home", Home]);
            Assert.True(install.ExitCode == 0, install.ToString());
            var env = new Dictionary<string, string?> { ["MINIQMAIL_HOME"] = root + Home, ["TMPDIR"] = root };
            var bin = root + Home + "/bin/";

            var config = ProgramRunner.Run(bin + "config-mini", [postfix.Domain, postfix.Domain, postfix.Domain, "client.installer.test", postfix.Entry], env: env);
            Assert.True(config.ExitCode == 0, config.ToString());
            Assert.Contains($"Putting {postfix.Entry} into control/qmqpservers...", config.StdoutText, StringComparison.Ordinal);

            var doctor = ProgramRunner.Run(Programs.Executable, ["doctor", "--root", root, "--home", Home], timeout: TimeSpan.FromSeconds(60));
            Assert.True(doctor.ExitCode == 0, doctor.ToString());
            Assert.Contains($"ok: qmqp {postfix.Entry}: accepts connections", doctor.StdoutText, StringComparison.Ordinal);

            var token = $"installer-e2e-{Guid.NewGuid():N}";
            var inject = ProgramRunner.Run(bin + "qmail-inject", [], stdin: Encoding.ASCII.GetBytes($"to: carolyn\nsubject: {token}\n\nsent by an installed tree\n"), env: env);
            Assert.True(inject.ExitCode == 0, inject.ToString());

            var message = PostfixServer.WaitForMessage("carolyn", token);
            Assert.Contains("sent by an installed tree", message, StringComparison.Ordinal);
            Assert.Contains("@client.installer.test>", message, StringComparison.Ordinal); // Message-ID from idhost
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
