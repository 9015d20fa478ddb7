using System.Security.Cryptography;
using System.Text;
using MiniQmail.Installer.Files;
using MiniQmail.Queue;
using MiniQmail.Queue.Storage;

namespace MiniQmail.Installer.Install;

/// <summary>What install is asked to do.</summary>
/// <param name="Bundle">The directory holding the executable <c>mini-qmail</c> and its runtime files.</param>
/// <param name="SetOwners">Make everything owned by root (layout.md §2); with a root prefix only when running as root (§7).</param>
/// <param name="ReplaceSendmail">Move an existing non-link /usr/sbin/sendmail or /usr/lib/sendmail to a backup instead of leaving it.</param>
/// <param name="Queue">Also set up the retry queue (install --queue GROUP); null: leave it alone.</param>
public sealed record InstallOptions(InstallTarget Target, string Bundle, bool SetOwners, bool ReplaceSendmail, IReadOnlyList<ManPage> ManPages, QueueInstallOptions? Queue = null);

/// <summary>How the retry queue's flush is started every few minutes.</summary>
public enum FlushSchedule
{
    /// <summary><see cref="Schedule.CronPath"/>, a cron.d file.</summary>
    Cron,
    /// <summary><see cref="Schedule.ServicePath"/> and <see cref="Schedule.TimerPath"/>, a systemd timer.</summary>
    Systemd,
}

/// <summary>What install --queue sets up (docs/queue.md, "What mini-qmail install should lay out").</summary>
/// <param name="Group">The group that may queue: the queue directory is root:Group, mode 2770.</param>
/// <param name="CreateGroup">Run <c>groupadd --system</c> when the group is missing; the command line allows it only for the running system (no root prefix).</param>
/// <param name="SystemdRunning">systemd manages the running system (and there is no root prefix): after writing the timer, reload systemd and enable it.</param>
/// <param name="Random">Picks the cron file's minute offset (<see cref="Schedule.CronD"/>); only used when the file is written.</param>
public sealed record QueueInstallOptions(string Group, FlushSchedule Schedule, bool CreateGroup, bool SystemdRunning, Func<int, int> Random);

/// <summary>
/// Computes what install must do from what is on disk, writing nothing: layout.md §7's steps in
/// order, each one only where the disk differs from the wanted state, so that a second run plans
/// nothing. Whatever is in the way and not ours (not in the manifest) is displaced, never
/// overwritten, so uninstall can put it back.
/// </summary>
public sealed class InstallPlanner
{
    private readonly InstallOptions _options;
    private readonly InstallTarget _target;
    private readonly Manifest _manifest;
    private readonly List<InstallAction> _actions = [];
    private readonly List<string> _warnings = [];
    private readonly HashSet<string> _plannedDirectories = new(StringComparer.Ordinal);
    private readonly HashSet<string> _plannedBackups = new(StringComparer.Ordinal);
    private InstallFailure? _failure;

    private InstallPlanner(InstallOptions options, Manifest manifest)
    {
        _options = options;
        _target = options.Target;
        _manifest = manifest;
    }

    public static InstallPlan Plan(InstallOptions options)
    {
        var target = options.Target;
        if (!ManifestStore.TryLoad(target, out var manifest, out var manifestError))
            return new InstallPlan(target, [], [], new Manifest(), new InstallFailure("read", target.Real(target.ManifestPath), manifestError));
        var planner = new InstallPlanner(options, manifest ?? new Manifest());
        planner.PlanAll();
        return planner.Result();
    }

    private InstallPlan Result()
    {
        if (_failure is not null)
            return new InstallPlan(_target, [], _warnings, _manifest, _failure);
        var actions = new List<InstallAction>(_actions);
        if (actions.Count > 0)
        {
            var final = ManifestStore.Apply(_manifest, actions);
            actions.Add(new SaveManifest(_target.ManifestPath, final.Format()));
        }
        return new InstallPlan(_target, actions, _warnings, _manifest, null);
    }

    private void PlanAll()
    {
        var files = BundleFiles(out var bundleError);
        if (bundleError is not null)
        {
            _failure = new InstallFailure("read", _options.Bundle, bundleError);
            return;
        }

        // Step 1: the directories of the layout, plus lib/mini-qmail for the executable.
        foreach (var dir in _target.LayoutDirectories.Append(_target.InHome("lib")).Append(_target.ProgramDir))
            EnsureDirectory(dir, fixAttributes: true);

        // Step 2: the executable and its runtime files, then every program name as a link to it.
        foreach (var relative in files)
        {
            var source = Path.Combine(_options.Bundle, relative);
            var dest = _target.ProgramDir + "/" + relative;
            EnsureDirectory(Path.GetDirectoryName(dest)!, fixAttributes: true);
            var mode = (File.GetUnixFileMode(source) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0
                ? Modes.Program : Modes.Data;
            EnsureFile(dest, source, null, mode);
        }
        RemoveStaleProgramFiles(files);
        EnsureLink(_target.Bin(InstalledPrograms.Executable), "../lib/mini-qmail/" + InstalledPrograms.Executable, displaceFiles: true);
        foreach (var name in InstalledPrograms.Names)
            EnsureLink(_target.Bin(name), InstalledPrograms.Executable, displaceFiles: true);

        // Step 3: qmail-queue, relative, so the home can move.
        EnsureLink(_target.Bin(InstalledPrograms.QueueLink), InstalledPrograms.QmqpClient, displaceFiles: true);

        // Step 4: man pages.
        foreach (var page in _options.ManPages)
        {
            var dest = _target.InHome("man/" + page.RelativePath);
            EnsureDirectory(Path.GetDirectoryName(dest)!, fixAttributes: true);
            EnsureFile(dest, null, page.Content, Modes.Data);
        }

        // Step 5: the sendmail links; a real sendmail is left alone unless asked (layout.md §7).
        foreach (var link in InstalledPrograms.SendmailLinks)
        {
            EnsureDirectory(Path.GetDirectoryName(link)!, fixAttributes: false);
            EnsureLink(link, _target.Bin("sendmail"), displaceFiles: _options.ReplaceSendmail);
        }

        // Step 6 (project addition): the retry queue, only when asked.
        if (_options.Queue is { } queue)
            PlanQueue(queue);
    }

    /// <summary>
    /// The group, root:GROUP 2770 queue directory, the database (root's, 0660), the switch
    /// control/queue and the flush schedule, each only where the disk differs.
    /// </summary>
    private void PlanQueue(QueueInstallOptions queue)
    {
        if (_failure is not null)
            return;
        var gid = Unix.GroupId(queue.Group);
        if (gid is null)
        {
            if (!queue.CreateGroup)
            {
                _failure = new InstallFailure("chown", _target.Real(_target.QueueDir),
                    $"no group {queue.Group} (install creates the group only on the running system, not under --root; create it first)");
                return;
            }
            _actions.Add(new RunCommand("/etc/group", ["groupadd", "--system", queue.Group]));
        }

        // The directory: root:GROUP 2770.
        var dir = _target.QueueDir;
        _plannedDirectories.Add(dir);
        var now = Look(dir);
        var ownerWrong = _options.SetOwners && now.Uid != 0;
        switch (now.Kind)
        {
            case EntryKind.Missing:
                _actions.Add(new MakeDirectory(dir, Modes.QueueDirectory, queue.Group));
                break;
            case EntryKind.Directory when now.Mode != Modes.QueueDirectory || ownerWrong || now.Gid != gid:
                _actions.Add(new FixDirectory(dir, now.Mode, now.Uid, now.Gid, Modes.QueueDirectory, queue.Group));
                break;
            case EntryKind.Directory:
                break;
            default:
                Fail("mkdir", dir, "exists and is not a directory");
                return;
        }

        // The database, made by root through the queue library: root's (when owners are set), the group's, 0660.
        var db = Look(SqliteQueueStore.DatabasePath(dir));
        if (db.Kind != EntryKind.File || db.Mode != Modes.QueueDatabase || (_options.SetOwners && db.Uid != 0) || db.Gid != gid
            || !_manifest.Contains(ManifestKind.Queue, dir))
            _actions.Add(new InitializeQueue(dir, queue.Group));

        // The switch, last before the schedule: the queue is on only once it can take mail.
        var control = _target.Control(QueueSettings.SwitchFile);
        var existing = Look(control);
        if (existing.Exists && !_manifest.Contains(ManifestKind.File, control))
            _warnings.Add($"{_target.Real(control)} exists and was not written by install; left as it is");
        else
            EnsureFile(control, null, "\n"u8.ToArray(), Modes.Data);

        // mailq, as the sendmail links are made: another MTA's mailq link is moved aside, a
        // real file only with --replace-sendmail.
        EnsureDirectory(Path.GetDirectoryName(InstalledPrograms.MailqLink)!, fixAttributes: false);
        EnsureLink(InstalledPrograms.MailqLink, _target.Bin("sendmail"), displaceFiles: _options.ReplaceSendmail);

        PlanSchedule(queue);
    }

    /// <summary>The cron file or the systemd units; the other kind, if an earlier install wrote it, goes.</summary>
    private void PlanSchedule(QueueInstallOptions queue)
    {
        if (queue.Schedule == FlushSchedule.Cron)
        {
            var cron = Schedule.CronPath;
            EnsureDirectory(Path.GetDirectoryName(cron)!, fixAttributes: false);
            // The minute offset was drawn at the first install: a file of ours that nobody
            // changed stays as it is, so that re-running install changes nothing.
            var mine = _manifest.Find(ManifestKind.File, cron);
            var now = Look(cron);
            if (!(mine is not null && now.Kind == EntryKind.File && now.Mode == Modes.Data && !OwnerWrong(now) && SameContent(cron, mine.Detail)))
                EnsureFile(cron, null, Encoding.UTF8.GetBytes(Schedule.CronD(_target.Home, queue.Random)), Modes.Data);
            var removing = _actions.Count;
            RemoveOurs(Schedule.TimerPath, Schedule.ServicePath);
            // The timer an earlier install --schedule systemd enabled is stopped before its files go.
            if (_actions.Count > removing && queue.SystemdRunning && _target.Root.Length == 0)
            {
                _actions.Insert(removing, new RunCommand(Schedule.TimerPath, ["systemctl", "disable", "--now", TimerUnit]));
                _actions.Add(new RunCommand(Schedule.TimerPath, ["systemctl", "daemon-reload"]));
            }
            return;
        }

        EnsureDirectory(Path.GetDirectoryName(Schedule.TimerPath)!, fixAttributes: false);
        var before = _actions.Count;
        EnsureFile(Schedule.ServicePath, null, Encoding.UTF8.GetBytes(Schedule.Service(_target.Home)), Modes.Data);
        EnsureFile(Schedule.TimerPath, null, Encoding.UTF8.GetBytes(Schedule.Timer()), Modes.Data);
        var written = _actions.Skip(before).Any(a => a.Path is Schedule.ServicePath or Schedule.TimerPath);
        RemoveOurs(Schedule.CronPath);
        if (written && queue.SystemdRunning && _target.Root.Length == 0 && _failure is null)
        {
            _actions.Add(new RunCommand(Schedule.TimerPath, ["systemctl", "daemon-reload"]));
            _actions.Add(new RunCommand(Schedule.TimerPath, ["systemctl", "enable", "--now", TimerUnit]));
        }
    }

    /// <summary>The systemd timer unit install writes.</summary>
    public const string TimerUnit = "mini-qmail-flush.timer";

    /// <summary>Removes files an earlier install wrote that are still as it wrote them.</summary>
    private void RemoveOurs(params string[] paths)
    {
        foreach (var path in paths)
        {
            if (_manifest.Find(ManifestKind.File, path) is { } mine && Look(path).Kind == EntryKind.File && SameContent(path, mine.Detail))
                _actions.Add(new RemoveFile(path));
        }
    }

    /// <summary>
    /// Files an earlier install put under lib/mini-qmail that this bundle no longer has (a
    /// self-contained runtime replaced by a framework-dependent build, say) are removed, unless
    /// someone changed them since.
    /// </summary>
    private void RemoveStaleProgramFiles(List<string> files)
    {
        var wanted = files.Select(f => _target.ProgramDir + "/" + f).ToHashSet(StringComparer.Ordinal);
        foreach (var entry in _manifest.Entries.Where(e => e.Kind == ManifestKind.File && e.Path.StartsWith(_target.ProgramDir + "/", StringComparison.Ordinal)))
        {
            if (!wanted.Contains(entry.Path) && Look(entry.Path).Kind == EntryKind.File && SameContent(entry.Path, entry.Detail))
                _actions.Add(new RemoveFile(entry.Path));
        }
    }

    /// <summary>Every file of the bundle, relative, without debugging symbols; the executable must be there.</summary>
    private List<string> BundleFiles(out string? error)
    {
        error = null;
        if (!File.Exists(Path.Combine(_options.Bundle, InstalledPrograms.Executable)))
        {
            error = $"no {InstalledPrograms.Executable} executable in it (give the bundle directory with --from)";
            return [];
        }
        try
        {
            // Links in the bundle (an install-mini link next to the executable, say) are not copied.
            return Directory.EnumerateFiles(_options.Bundle, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint })
                .Select(f => Path.GetRelativePath(_options.Bundle, f))
                .Where(f => !f.EndsWith(".pdb", StringComparison.Ordinal) && !f.EndsWith(".dbg", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = e.Message;
            return [];
        }
    }

    private FileSnapshot Look(string path) => FileSnapshot.Take(_target.Real(path));

    private bool OwnerWrong(FileSnapshot s) => _options.SetOwners && (s.Uid != 0 || s.Gid != 0);

    private void Fail(string verb, string path, string reason) => _failure ??= new InstallFailure(verb, _target.Real(path), reason);

    private void EnsureDirectory(string path, bool fixAttributes)
    {
        if (_failure is not null || _plannedDirectories.Contains(path))
            return;
        var parent = Path.GetDirectoryName(path);
        if (parent is not null && parent != "/")
            EnsureDirectory(parent, fixAttributes: false);
        _plannedDirectories.Add(path);
        var now = Look(path);
        switch (now.Kind)
        {
            case EntryKind.Missing:
                _actions.Add(new MakeDirectory(path));
                break;
            case EntryKind.Directory:
                if (fixAttributes && (now.Mode != Modes.Directory || OwnerWrong(now)))
                    _actions.Add(new FixDirectory(path, now.Mode, now.Uid, now.Gid));
                break;
            default:
                Fail("mkdir", path, "exists and is not a directory");
                break;
        }
    }

    private void EnsureFile(string path, string? source, byte[]? content, UnixFileMode mode)
    {
        if (_failure is not null)
            return;
        string sha;
        try
        {
            sha = source is not null ? HashFile(source) : Hash(content!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Fail("read", source!, e.Message);
            return;
        }
        var now = Look(path);
        if (now.Kind == EntryKind.File && now.Mode == mode && !OwnerWrong(now) && SameContent(path, sha))
            return;
        if (now.Kind is EntryKind.Directory or EntryKind.Other)
        {
            Fail("write", path, "exists and is not a regular file");
            return;
        }
        if (now.Exists && !_manifest.Contains(ManifestKind.File, path))
            PlanDisplace(path);
        _actions.Add(source is not null ? new CopyFile(path, source, mode, sha) : new WriteContent(path, content!, mode, sha));
    }

    private void EnsureLink(string path, string target, bool displaceFiles)
    {
        if (_failure is not null)
            return;
        var now = Look(path);
        switch (now.Kind)
        {
            case EntryKind.Link when now.LinkTarget == target:
                return;
            case EntryKind.Missing:
                break;
            case EntryKind.Link:
                if (!_manifest.Contains(ManifestKind.Link, path))
                    PlanDisplace(path);
                break;
            case EntryKind.File when displaceFiles || _manifest.Contains(ManifestKind.File, path):
                PlanDisplace(path);
                break;
            case EntryKind.File:
            case EntryKind.Directory or EntryKind.Other when !displaceFiles:
                _warnings.Add($"{_target.Real(path)} exists and is not a symbolic link; not replaced");
                return;
            default:
                Fail("link", path, "exists and is not a file or a symbolic link");
                return;
        }
        _actions.Add(new MakeLink(path, target));
    }

    /// <summary>Plans moving <paramref name="path"/> under lib/displaced, at its own path (a number added if taken).</summary>
    private void PlanDisplace(string path)
    {
        var backup = _target.BackupDir + path;
        for (var n = 1; Look(backup).Exists || _plannedBackups.Contains(backup); n++)
            backup = $"{_target.BackupDir}{path}.{n}";
        EnsureDirectory(Path.GetDirectoryName(backup)!, fixAttributes: true);
        _plannedBackups.Add(backup);
        _actions.Add(new Displace(path, backup));
    }

    private bool SameContent(string path, string sha)
    {
        try
        {
            return HashFile(_target.Real(path)) == sha;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    internal static string HashFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    internal static string Hash(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));
}
