using System.CommandLine;
using System.Net;
using MiniQmail.Cli.Edges;
using MiniQmail.Qmqp.Sink;

namespace MiniQmail.Cli.Modern;

/// <summary><c>mini-qmail sink</c>: a QMQP server that stores what it accepts in a Maildir.</summary>
internal static class SinkCommand
{
    public const string Name = "sink";

    public static Command Create()
    {
        var listen = new Option<string>("--listen") { Description = "Address and port to listen on: 127.0.0.1:6280, [::1]:6280 (port 0 picks a free one).", Required = true };
        var maildir = new Option<string?>("--maildir") { Description = "Maildir for accepted messages (created if missing); without it messages are read and discarded." };
        var reply = new Option<string>("--reply") { Description = "Answer every message with K (accept), Z (temporary refusal) or D (permanent refusal).", DefaultValueFactory = _ => "K" };
        var text = new Option<string?>("--reply-text") { Description = "Text after the reply's status letter." };
        var allow = new Option<string[]>("--allow") { Description = "Client network allowed to connect (CIDR, repeatable). Default: loopback only.", AllowMultipleArgumentsPerToken = true };
        var count = new Option<int>("--count") { Description = "Exit after answering this many messages (0: run until stopped)." };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for the next bytes of a request.", DefaultValueFactory = _ => 60 };

        var command = new Command(Name, "Run a QMQP server that stores accepted messages in a Maildir, with Return-Path and Delivered-To lines showing the envelope. For tests and demos.")
        {
            listen, maildir, reply, text, allow, count, timeout,
        };
        command.SetAction(parse =>
        {
            if (!IPEndPoint.TryParse(parse.GetValue(listen)!, out var endpoint) || parse.GetValue(listen)!.LastIndexOf(':') < parse.GetValue(listen)!.LastIndexOf(']'))
            {
                Stdio.Fatal("mini-qmail sink", $"--listen: '{parse.GetValue(listen)}' is not ADDRESS:PORT");
                return 100;
            }
            var status = parse.GetValue(reply)!;
            if (status is not ("K" or "Z" or "D"))
            {
                Stdio.Fatal("mini-qmail sink", "--reply must be K, Z or D");
                return 100;
            }
            var networks = new List<IPNetwork>();
            foreach (var cidr in parse.GetValue(allow) ?? [])
            {
                if (!IPNetwork.TryParse(cidr.Contains('/', StringComparison.Ordinal) ? cidr : cidr + (cidr.Contains(':', StringComparison.Ordinal) ? "/128" : "/32"), out var network))
                {
                    Stdio.Fatal("mini-qmail sink", $"--allow: '{cidr}' is not a network");
                    return 100;
                }
                networks.Add(network);
            }
            var options = new QmqpSinkOptions
            {
                Listen = endpoint,
                Maildir = parse.GetValue(maildir),
                Reply = status[0],
                ReplyText = parse.GetValue(text),
                Allow = networks,
                Timeout = TimeSpan.FromSeconds(parse.GetValue(timeout)),
            };
            return Serve(options, parse.GetValue(count));
        });
        return command;
    }

    private static int Serve(QmqpSinkOptions options, int count)
    {
        QmqpSink sink;
        try
        {
            sink = QmqpSink.Start(options);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            Stdio.Fatal("mini-qmail sink", $"unable to listen on {options.Listen}: {e.Message}");
            return 111;
        }
        using var done = new ManualResetEventSlim();
        var answered = 0;
        sink.Log += line => Stdio.Error($"mini-qmail sink: {line}");
        sink.Delivered += _ =>
        {
            if (count > 0 && Interlocked.Increment(ref answered) >= count)
                done.Set();
        };
        using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; done.Set(); });
        using var interrupt = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, c => { c.Cancel = true; done.Set(); });
        Console.Out.WriteLine($"mini-qmail sink: listening on {sink.LocalEndPoint}");
        Console.Out.Flush();
        done.Wait();
        sink.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return 0;
    }
}
