namespace ServiceTokenOperator.Providers.PlanetScale;

/// <summary>The database access names vendor-contracts.md lists, which spec.planetscale.accesses may use.</summary>
internal static class PlanetScaleAccessNames
{
    public static readonly IReadOnlySet<string> Database = new HashSet<string>(StringComparer.Ordinal)
    {
        "read_database", "write_database", "delete_database", "create_branch", "read_branch", "delete_branch",
        "delete_production_branch", "connect_branch", "connect_production_branch", "delete_branch_password",
        "delete_production_branch_password", "create_deploy_request", "read_deploy_request",
        "approve_deploy_request", "create_comment", "read_comment", "read_backups", "write_backups",
        "delete_backups", "delete_production_branch_backups", "restore_backup", "restore_production_branch_backup",
        "write_branch_vschema", "write_production_branch_vschema",
    };
}
