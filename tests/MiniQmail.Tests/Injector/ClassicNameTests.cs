using System.Text;
using MiniQmail.Tests.Support;
using Xunit;

namespace MiniQmail.Tests.Injector;

/// <summary>The programs are reachable as mini-qmail subcommands as well as by their classic names.</summary>
public sealed class ClassicNameTests : IDisposable
{
    private readonly ScratchHome _home = new();

    public void Dispose() => _home.Dispose();

    [Fact]
    public void Mini_qmail_inject_is_qmail_inject()
    {
        _home.WriteControl("me", "example.com\n");
        var result = ProgramRunner.Run(Programs.Executable, ["inject", "-n", "bob"], "Subject: s\n\nb\n"u8.ToArray(), _home.Environment(("USER", "joe")));
        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("Return-Path: <joe@example.com>\n", result.StdoutText, StringComparison.Ordinal);
        Assert.EndsWith("From: joe@example.com\nCc: recipient list not shown: ;\nSubject: s\n\nb\n", result.StdoutText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sendmail", new[] { "-bp" }, 111, "sendmail: fatal: unable to run qmail-qread\n")]
    [InlineData("sendmail", new[] { "-q" }, 100, "sendmail: illegal option -- q\nsendmail: usage: sendmail [ -t ] [ -fsender ] [ -Fname ] [ -bp ] [ -bs ] [ arg ... ]\n")]
    [InlineData("maildirmake", new string[0], 100, "maildirmake: usage: maildirmake name\n")]
    [InlineData("predate", new string[0], 100, "predate: usage: predate child\n")]
    [InlineData("forward", new string[0], 100, "forward: fatal: NEWSENDER not set\n")]
    [InlineData("maildir2mbox", new string[0], 111, "maildir2mbox: fatal: MAIL not set\n")]
    public void Each_helper_answers_as_a_subcommand(string command, string[] args, int exit, string stderr)
    {
        var result = ProgramRunner.Run(Programs.Executable, [command, .. args], [], _home.Environment());
        Assert.Equal(exit, result.ExitCode);
        Assert.Equal(stderr, result.StderrText);
    }

    [Fact]
    public void Mailsubj_under_its_classic_name_encodes_a_utf8_subject()
    {
        var capture = Path.Combine(_home.Root, "message");
        var queue = Path.Combine(_home.Root, "queue");
        File.WriteAllText(queue, $"#!/bin/sh\ncat > '{capture}'\ncat <&1 > /dev/null\n");
        File.SetUnixFileMode(queue, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _home.WriteControl("me", "example.com\n");
        var result = ProgramRunner.Run(_home.Bin("mailsubj"), ["Grüße", "bob"], "body\n"u8.ToArray(), _home.Environment(("QMAILQUEUE", queue), ("USER", "joe")));
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Subject: =?UTF-8?B?R3LDvMOfZQ==?=\nTo: bob@example.com\n\nbody\n", Encoding.ASCII.GetString(File.ReadAllBytes(capture)), StringComparison.Ordinal);
    }
}
