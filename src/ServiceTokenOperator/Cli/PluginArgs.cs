namespace ServiceTokenOperator.Cli;

/// <summary>Flags of the kubectl plugin verbs, spelled as kubectl spells them.</summary>
internal sealed record PluginArgs(string? Name, string? Namespace, bool AllNamespaces, string? Kubeconfig, string? Context)
{
    /// <summary>Parses <c>[NAME] [-n NS|--namespace NS] [-A|--all-namespaces] [--kubeconfig PATH] [--context NAME]</c>.</summary>
    public static (PluginArgs? Args, string? Error) Parse(IReadOnlyList<string> args)
    {
        string? name = null, ns = null, kubeconfig = null, context = null;
        var all = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var eq = arg.StartsWith("--", StringComparison.Ordinal) ? arg.IndexOf('=', StringComparison.Ordinal) : -1;
            var flag = eq > 0 ? arg[..eq] : arg;
            string? inline = eq > 0 ? arg[(eq + 1)..] : null;
            string? Next() => inline ?? (i + 1 < args.Count ? args[++i] : null);
            switch (flag)
            {
                case "-n" or "--namespace":
                    ns = Next() ?? "";
                    if (ns.Length == 0) return (null, $"{flag} needs a namespace");
                    break;
                case "-A" or "--all-namespaces":
                    all = true;
                    break;
                case "--kubeconfig":
                    kubeconfig = Next();
                    if (string.IsNullOrEmpty(kubeconfig)) return (null, "--kubeconfig needs a path");
                    break;
                case "--context":
                    context = Next();
                    if (string.IsNullOrEmpty(context)) return (null, "--context needs a name");
                    break;
                default:
                    if (arg.StartsWith('-')) return (null, $"unknown flag {arg}");
                    if (name is not null) return (null, $"unexpected argument \"{arg}\"");
                    name = arg;
                    break;
            }
        }

        return (new PluginArgs(name, ns, all, kubeconfig, context), null);
    }
}
