using MiniQmail.Control;

namespace MiniQmail.Installer.Doctor;

/// <summary>The control files config-mini writes are there, and qmqpservers and the timeouts read as qmail-qmqpc reads them.</summary>
public sealed class ControlFilesCheck : IDoctorCheck
{
    public IEnumerable<CheckResult> Run(DoctorContext context)
    {
        var layout = context.Layout;
        foreach (var name in new[] { "me", "defaultdomain", "plusdomain", "idhost" })
        {
            var subject = "control/" + name;
            yield return ControlFile.ReadLine(layout.Control(name), out var value, out var error) switch
            {
                ControlReadStatus.Ok when value.Length > 0 => new(CheckStatus.Ok, subject, System.Text.Encoding.UTF8.GetString(value)),
                ControlReadStatus.Ok => new(CheckStatus.Warning, subject, "empty"),
                ControlReadStatus.Missing when name == "me" => new(CheckStatus.Warning, subject, "missing: qmail-inject falls back to literal names (run config-mini)"),
                ControlReadStatus.Missing => new(CheckStatus.Warning, subject, "missing: control/me is used instead"),
                _ => new(CheckStatus.Failed, subject, $"unreadable: {error}"),
            };
        }
        yield return QmqpConfig.TryLoad(layout, out var config, out var configError)
            ? new(CheckStatus.Ok, "control/" + QmqpConfig.ServersFile,
                $"{config!.Servers.Count} server(s); connect timeout {config.Timeouts.Connect.TotalSeconds:0.###} s, I/O timeout {config.Timeouts.Io.TotalSeconds:0.###} s")
            : new(CheckStatus.Failed, "control/" + QmqpConfig.ServersFile, configError + " (qmail-qmqpc exits 55)");
    }
}
