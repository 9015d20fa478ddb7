using MiniQmail.Control;
using MiniQmail.Installer.Install;

namespace MiniQmail.Installer.Doctor;

public enum CheckStatus
{
    Ok,
    /// <summary>Works, but not as installed by mini-qmail install (e.g. a real sendmail kept).</summary>
    Warning,
    Failed,
}

/// <summary>One line of the doctor's report.</summary>
public sealed record CheckResult(CheckStatus Status, string Subject, string Detail)
{
    public override string ToString() => $"{Status switch { CheckStatus.Ok => "ok", CheckStatus.Warning => "warning", _ => "FAIL" }}: {Subject}: {Detail}";
}

/// <summary>What the checks look at: the installation (with its root prefix) and the layout the programs use.</summary>
/// <param name="ProgramsHome">The home the installed programs will use when started the way the doctor was (MINIQMAIL_HOME or the default); null to skip that check.</param>
public sealed record DoctorContext(InstallTarget Target, string? ProgramsHome = null, CancellationToken Cancellation = default)
{
    /// <summary>The layout with real paths (root prefix included), for reading control files.</summary>
    public Layout Layout => new(Target.Real(Target.Home));
}

/// <summary>
/// One thing the doctor checks. Components add their own (the retry queue, say) by appending an
/// object to <see cref="Doctor.DefaultChecks"/>' list.
/// </summary>
public interface IDoctorCheck
{
    IEnumerable<CheckResult> Run(DoctorContext context);
}

/// <summary>Runs checks in order; a check that throws is reported as failed, never fatal.</summary>
public static class Doctor
{
    /// <summary>The checks of `mini-qmail doctor`, in the order they are printed.</summary>
    public static IReadOnlyList<IDoctorCheck> DefaultChecks { get; } =
        [new LayoutCheck(), new ProgramsCheck(), new ControlFilesCheck(), new QmqpServersCheck(), new QueueCheck()];

    public static IEnumerable<CheckResult> Run(DoctorContext context, IEnumerable<IDoctorCheck> checks)
    {
        foreach (var check in checks)
        {
            List<CheckResult> results;
            try
            {
                results = check.Run(context).ToList();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                results = [new CheckResult(CheckStatus.Failed, check.GetType().Name, e.Message)];
            }
            foreach (var result in results)
                yield return result;
        }
    }
}
