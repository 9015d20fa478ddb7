using MiniQmail.Tests.Support;
using Xunit;

namespace MiniQmail.Tests.QmqpClient;

/// <summary>qmail-qmqpc against a real Postfix qmqpd, the message found in the recipient's mailbox.</summary>
public class PostfixInteropTests
{
    [SkippableFact]
    public void A_message_sent_through_qmail_qmqpc_lands_in_the_postfix_mailbox()
    {
        var postfix = PostfixServer.Require();
        using var home = new ScratchHome();
        home.Servers(postfix.Entry);
        var token = $"qmqpc-{Guid.NewGuid():N}";
        var message = System.Text.Encoding.ASCII.GetBytes($"From: joe@example.com\nTo: carolyn@{postfix.Domain}\nSubject: {token}\n\nbody line\n");
        var envelope = System.Text.Encoding.ASCII.GetBytes($"Fjoe@example.com\0Tcarolyn@{postfix.Domain}\0\0");
        var result = ProgramRunner.Run(home.Bin("qmail-queue"), [], message, home.Environment(), envelope);
        Assert.Equal(0, result.ExitCode);
        var delivered = PostfixServer.WaitForMessage("carolyn", token);
        Assert.Contains("Return-Path: <joe@example.com>", delivered, StringComparison.Ordinal);
        Assert.Contains("body line", delivered, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Postfix_refuses_a_message_without_recipients_permanently()
    {
        var postfix = PostfixServer.Require();
        using var home = new ScratchHome();
        home.Servers(postfix.Entry);
        var result = ProgramRunner.Run(home.Bin("qmail-qmqpc"), [], "Subject: nobody\n\nx\n"u8.ToArray(), home.Environment(), "Fjoe@example.com\0\0"u8.ToArray());
        Assert.Equal(31, result.ExitCode);
    }

    [SkippableFact]
    public async Task A_Z_from_a_scripted_server_then_postfix_delivers_the_message()
    {
        var postfix = PostfixServer.Require();
        using var home = new ScratchHome();
        await using var busy = new ScriptedQmqpServer(ServerScript.Answer("5:Zbusy,"));
        home.Servers(busy.Entry, postfix.Entry);
        var token = $"failover-{Guid.NewGuid():N}";
        var result = ProgramRunner.Run(home.Bin("qmail-qmqpc"), [], System.Text.Encoding.ASCII.GetBytes($"Subject: {token}\n\nx\n"), home.Environment(),
            System.Text.Encoding.ASCII.GetBytes($"Fjoe@example.com\0Tcarolyn@{postfix.Domain}\0\0"));
        Assert.Equal(0, result.ExitCode);
        Assert.Contains(token, PostfixServer.WaitForMessage("carolyn", token), StringComparison.Ordinal);
    }
}
