using System.CommandLine;
using MiniQmail.Installer.Doctor;

namespace MiniQmail.Cli.Modern;

/// <summary><c>mini-qmail doctor</c>: one line per check; exit 1 when any check failed.</summary>
internal static class DoctorCommand
{
    public const string Name = "doctor";

    public static Command Create()
    {
        var target = new TargetOptions();
        var command = new Command(Name, "Check the layout, the links, the control files and that each QMQP server accepts a connection (nothing is sent). The first thing to run when mail does not arrive.");
        target.AddTo(command);
        command.SetAction(parse =>
        {
            var failed = false;
            var context = new DoctorContext(target.Get(parse), Edges.ProcessEnvironment.Current.Layout.Home);
            foreach (var result in Doctor.Run(context, Doctor.DefaultChecks))
            {
                failed |= result.Status == CheckStatus.Failed;
                Console.Out.WriteLine(result.ToString());
                Console.Out.Flush();
            }
            return failed ? 1 : 0;
        });
        return command;
    }
}
