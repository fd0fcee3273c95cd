
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'prefect-rs' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'prefect-rs'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'prefect-rs' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'View and set Prefect settings and prefect-rs stack settings')
            [CompletionResult]::new('profile', 'profile', [CompletionResultType]::ParameterValue, 'Create, switch and inspect Prefect profiles')
            [CompletionResult]::new('profiles', 'profiles', [CompletionResultType]::ParameterValue, 'Create, switch and inspect Prefect profiles')
            [CompletionResult]::new('server', 'server', [CompletionResultType]::ParameterValue, 'Run the Prefect server, see whether it is up, stop it, and migrate its database')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'prefect-rs;config' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change settings: Prefect settings go to the active profile, PREFECT_RS_* settings to config.toml')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Restore the default value of settings by removing them from the active profile or config.toml')
            [CompletionResult]::new('view', 'view', [CompletionResultType]::ParameterValue, 'Display the current settings and where each value comes from')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check every setting in every source; rewrite legacy names in the active profile to canonical ones')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'prefect-rs;config;set' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'prefect-rs;config;unset' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Skip confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Skip confirmation')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'prefect-rs;config;view' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('--show-defaults', '--show-defaults', [CompletionResultType]::ParameterName, 'Show settings that have their default value too')
            [CompletionResult]::new('--hide-defaults', '--hide-defaults', [CompletionResultType]::ParameterName, 'Show only settings that are set somewhere [default]')
            [CompletionResult]::new('--show-sources', '--show-sources', [CompletionResultType]::ParameterName, 'Show where each value comes from [default]')
            [CompletionResult]::new('--hide-sources', '--hide-sources', [CompletionResultType]::ParameterName, 'Do not show where each value comes from')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Show secret values instead of ********')
            [CompletionResult]::new('--hide-secrets', '--hide-secrets', [CompletionResultType]::ParameterName, 'Mask secret values [default]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'prefect-rs;config;validate' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('--fix', '--fix', [CompletionResultType]::ParameterName, 'Also remove invalid values from the active profile and config.toml')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'prefect-rs;config;help' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change settings: Prefect settings go to the active profile, PREFECT_RS_* settings to config.toml')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Restore the default value of settings by removing them from the active profile or config.toml')
            [CompletionResult]::new('view', 'view', [CompletionResultType]::ParameterValue, 'Display the current settings and where each value comes from')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check every setting in every source; rewrite legacy names in the active profile to canonical ones')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'prefect-rs;config;help;set' {
            break
        }
        'prefect-rs;config;help;unset' {
            break
        }
        'prefect-rs;config;help;view' {
            break
        }
        'prefect-rs;config;help;validate' {
            break
        }
        'prefect-rs;config;help;help' {
            break
        }
        'prefect-rs;profile' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List profile names; the active one is marked with *')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a new profile')
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, 'Make a profile the active one (saved at once; the API is then checked, and only reported on)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a profile')
            [CompletionResult]::new('rename', 'rename', [CompletionResultType]::ParameterValue, 'Change the name of a profile')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Display the settings of a profile; defaults to the active one')
            [CompletionResult]::new('populate-defaults', 'populate-defaults', [CompletionResultType]::ParameterValue, 'Add Prefect''s bundled profiles (ephemeral, local, test, cloud) that are missing from the profiles file')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'prefect-rs;profiles' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List profile names; the active one is marked with *')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a new profile')
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, 'Make a profile the active one (saved at once; the API is then checked, and only reported on)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a profile')
            [CompletionResult]::new('rename', 'rename', [CompletionResultType]::ParameterValue, 'Change the name of a profile')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Display the settings of a profile; defaults to the active one')
            [CompletionResult]::new('populate-defaults', 'populate-defaults', [CompletionResultType]::ParameterValue, 'Add Prefect''s bundled profiles (ephemeral, local, test, cloud) that are missing from the profiles file')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'prefect-rs;profile;ls' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'prefect-rs;profiles;ls' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'prefect-rs;profile;create' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Copy the settings of an existing profile')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'prefect-rs;profiles;create' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Copy the settings of an existing profile')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'prefect-rs;profile;use' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'prefect-rs;profiles;use' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'prefect-rs;profile;delete' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Skip confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Skip confirmation')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'prefect-rs;profiles;delete' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Skip confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Skip confirmation')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'prefect-rs;profile;rename' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'prefect-rs;profiles;rename' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'prefect-rs;profile;inspect' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Show secret values instead of ********')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'prefect-rs;profiles;inspect' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Show secret values instead of ********')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'prefect-rs;profile;populate-defaults' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Skip confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Skip confirmation')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'prefect-rs;profiles;populate-defaults' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Skip confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Skip confirmation')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'prefect-rs;profile;help' {
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List profile names; the active one is marked with *')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a new profile')
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, 'Make a profile the active one (saved at once; the API is then checked, and only reported on)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a profile')
            [CompletionResult]::new('rename', 'rename', [CompletionResultType]::ParameterValue, 'Change the name of a profile')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Display the settings of a profile; defaults to the active one')
            [CompletionResult]::new('populate-defaults', 'populate-defaults', [CompletionResultType]::ParameterValue, 'Add Prefect''s bundled profiles (ephemeral, local, test, cloud) that are missing from the profiles file')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'prefect-rs;profile;help;ls' {
            break
        }
        'prefect-rs;profile;help;create' {
            break
        }
        'prefect-rs;profile;help;use' {
            break
        }
        'prefect-rs;profile;help;delete' {
            break
        }
        'prefect-rs;profile;help;rename' {
            break
        }
        'prefect-rs;profile;help;inspect' {
            break
        }
        'prefect-rs;profile;help;populate-defaults' {
            break
        }
        'prefect-rs;profile;help;help' {
            break
        }
        'prefect-rs;profiles;help' {
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List profile names; the active one is marked with *')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a new profile')
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, 'Make a profile the active one (saved at once; the API is then checked, and only reported on)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a profile')
            [CompletionResult]::new('rename', 'rename', [CompletionResultType]::ParameterValue, 'Change the name of a profile')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Display the settings of a profile; defaults to the active one')
            [CompletionResult]::new('populate-defaults', 'populate-defaults', [CompletionResultType]::ParameterValue, 'Add Prefect''s bundled profiles (ephemeral, local, test, cloud) that are missing from the profiles file')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'prefect-rs;profiles;help;ls' {
            break
        }
        'prefect-rs;profiles;help;create' {
            break
        }
        'prefect-rs;profiles;help;use' {
            break
        }
        'prefect-rs;profiles;help;delete' {
            break
        }
        'prefect-rs;profiles;help;rename' {
            break
        }
        'prefect-rs;profiles;help;inspect' {
            break
        }
        'prefect-rs;profiles;help;populate-defaults' {
            break
        }
        'prefect-rs;profiles;help;help' {
            break
        }
        'prefect-rs;server' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Start the Prefect server: PostgreSQL and the API server in Docker, or in this process with --no-docker')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop the server: the Docker stack''s containers (data kept), or the background in-process server')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Report on the server: each Docker service''s state and health, or whether the API answers')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Print the Docker stack''s logs, each line prefixed by its service, or the background server''s log')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Print the stack''s compose file (the database password masked), or write it with --output')
            [CompletionResult]::new('database', 'database', [CompletionResultType]::ParameterValue, 'Migrate the server''s database (PREFECT_SERVER_DATABASE_CONNECTION_URL): SQLite or PostgreSQL')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'prefect-rs;server;start' {
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Address to listen on (--no-docker) or publish the server''s port on [default: 127.0.0.1]')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to listen on, or publish the server on [default: PREFECT_SERVER_API_PORT / config.toml, 4200]')
            [CompletionResult]::new('--postgres-port', '--postgres-port', [CompletionResultType]::ParameterName, 'Docker: also publish PostgreSQL on this host port (not published by default)')
            [CompletionResult]::new('--volume-path', '--volume-path', [CompletionResultType]::ParameterName, 'Docker: the directory for PostgreSQL''s data with --use-volume [default: PREFECT_HOME/pg_data]')
            [CompletionResult]::new('--pull', '--pull', [CompletionResultType]::ParameterName, 'Docker: when to pull images')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Server log level [default: PREFECT_SERVER_LOGGING_LEVEL, WARNING]')
            [CompletionResult]::new('--keep-alive-timeout', '--keep-alive-timeout', [CompletionResultType]::ParameterName, 'Seconds a silent connection stays open [default: PREFECT_SERVER_API_KEEPALIVE_TIMEOUT, 5]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the server to become healthy [default: 30, or 180 for the Docker stack]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('--no-docker', '--no-docker', [CompletionResultType]::ParameterName, 'Run the API server in this process instead of the Docker stack')
            [CompletionResult]::new('--expose', '--expose', [CompletionResultType]::ParameterName, 'Docker: publish the server on every interface (0.0.0.0) instead of 127.0.0.1')
            [CompletionResult]::new('--use-volume', '--use-volume', [CompletionResultType]::ParameterName, 'Docker: keep PostgreSQL''s data in --volume-path on this machine instead of a named Docker volume')
            [CompletionResult]::new('--no-services', '--no-services', [CompletionResultType]::ParameterName, 'Do not run background services (the scheduler, the foreman, marking late runs, failing expired pauses, freeing expired concurrency leases, cancellation cleanup, zombies, automation triggers); the task-run recorder still runs')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Return once healthy: the Docker stack keeps running; the in-process server detaches and writes PREFECT_HOME/server.pid and server.log')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Return once healthy: the Docker stack keeps running; the in-process server detaches and writes PREFECT_HOME/server.pid and server.log')
            [CompletionResult]::new('--background', '--background', [CompletionResultType]::ParameterName, 'Return once healthy: the Docker stack keeps running; the in-process server detaches and writes PREFECT_HOME/server.pid and server.log')
            [CompletionResult]::new('--detach', '--detach', [CompletionResultType]::ParameterName, 'Return once healthy: the Docker stack keeps running; the in-process server detaches and writes PREFECT_HOME/server.pid and server.log')
            [CompletionResult]::new('--detached-child', '--detached-child', [CompletionResultType]::ParameterName, 'Internal: this process is the background server started by --background')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'prefect-rs;server;stop' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a graceful stop before killing')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('--no-docker', '--no-docker', [CompletionResultType]::ParameterName, 'Stop the background in-process server instead of the Docker stack')
            [CompletionResult]::new('--remove-data', '--remove-data', [CompletionResultType]::ParameterName, 'Also delete the stack''s PostgreSQL data (its volume or --volume-path directory), after confirmation')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Skip confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Skip confirmation')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'prefect-rs;server;status' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait with --wait')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('--no-docker', '--no-docker', [CompletionResultType]::ParameterName, 'Check the in-process server (PREFECT_API_URL) instead of the Docker stack')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the server is healthy (up to --timeout)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'prefect-rs;server;logs' {
            [CompletionResult]::new('--tail', '--tail', [CompletionResultType]::ParameterName, 'Only the last N lines of each service')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('--no-docker', '--no-docker', [CompletionResultType]::ParameterName, 'The background in-process server''s log ($PREFECT_HOME/server.log) instead of the Docker stack''s')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep following new lines (Ctrl+C to stop)')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep following new lines (Ctrl+C to stop)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'prefect-rs;server;config' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the file here instead (mode 0600: it holds the database password)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the file here instead (mode 0600: it holds the database password)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'prefect-rs;server;database' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('upgrade', 'upgrade', [CompletionResultType]::ParameterValue, 'Apply pending migrations, up to head or to a revision')
            [CompletionResult]::new('downgrade', 'downgrade', [CompletionResultType]::ParameterValue, 'Revert migrations: the last one, or down to a revision (which stays applied); backs up SQLite first')
            [CompletionResult]::new('reset', 'reset', [CompletionResultType]::ParameterValue, 'Drop every table and migrate to head: all data is deleted (SQLite is backed up first)')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'List every migration: applied (and when) or pending')
            [CompletionResult]::new('current', 'current', [CompletionResultType]::ParameterValue, 'Print the database''s current migration version')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'prefect-rs;server;database;upgrade' {
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'The revision to upgrade to')
            [CompletionResult]::new('--revision', '--revision', [CompletionResultType]::ParameterName, 'The revision to upgrade to')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Skip confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Skip confirmation')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the migrations and their SQL instead of running them')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'prefect-rs;server;database;downgrade' {
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'The revision to downgrade to: -1 reverts the newest migration, base reverts them all')
            [CompletionResult]::new('--revision', '--revision', [CompletionResultType]::ParameterName, 'The revision to downgrade to: -1 reverts the newest migration, base reverts them all')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Skip confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Skip confirmation')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the migrations and their SQL instead of running them')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'prefect-rs;server;database;reset' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Skip confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Skip confirmation')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'prefect-rs;server;database;history' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'prefect-rs;server;database;current' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'prefect-rs;server;database;help' {
            [CompletionResult]::new('upgrade', 'upgrade', [CompletionResultType]::ParameterValue, 'Apply pending migrations, up to head or to a revision')
            [CompletionResult]::new('downgrade', 'downgrade', [CompletionResultType]::ParameterValue, 'Revert migrations: the last one, or down to a revision (which stays applied); backs up SQLite first')
            [CompletionResult]::new('reset', 'reset', [CompletionResultType]::ParameterValue, 'Drop every table and migrate to head: all data is deleted (SQLite is backed up first)')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'List every migration: applied (and when) or pending')
            [CompletionResult]::new('current', 'current', [CompletionResultType]::ParameterValue, 'Print the database''s current migration version')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'prefect-rs;server;database;help;upgrade' {
            break
        }
        'prefect-rs;server;database;help;downgrade' {
            break
        }
        'prefect-rs;server;database;help;reset' {
            break
        }
        'prefect-rs;server;database;help;history' {
            break
        }
        'prefect-rs;server;database;help;current' {
            break
        }
        'prefect-rs;server;database;help;help' {
            break
        }
        'prefect-rs;server;help' {
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Start the Prefect server: PostgreSQL and the API server in Docker, or in this process with --no-docker')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop the server: the Docker stack''s containers (data kept), or the background in-process server')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Report on the server: each Docker service''s state and health, or whether the API answers')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Print the Docker stack''s logs, each line prefixed by its service, or the background server''s log')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Print the stack''s compose file (the database password masked), or write it with --output')
            [CompletionResult]::new('database', 'database', [CompletionResultType]::ParameterValue, 'Migrate the server''s database (PREFECT_SERVER_DATABASE_CONNECTION_URL): SQLite or PostgreSQL')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'prefect-rs;server;help;start' {
            break
        }
        'prefect-rs;server;help;stop' {
            break
        }
        'prefect-rs;server;help;status' {
            break
        }
        'prefect-rs;server;help;logs' {
            break
        }
        'prefect-rs;server;help;config' {
            break
        }
        'prefect-rs;server;help;database' {
            [CompletionResult]::new('upgrade', 'upgrade', [CompletionResultType]::ParameterValue, 'Apply pending migrations, up to head or to a revision')
            [CompletionResult]::new('downgrade', 'downgrade', [CompletionResultType]::ParameterValue, 'Revert migrations: the last one, or down to a revision (which stays applied); backs up SQLite first')
            [CompletionResult]::new('reset', 'reset', [CompletionResultType]::ParameterValue, 'Drop every table and migrate to head: all data is deleted (SQLite is backed up first)')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'List every migration: applied (and when) or pending')
            [CompletionResult]::new('current', 'current', [CompletionResultType]::ParameterValue, 'Print the database''s current migration version')
            break
        }
        'prefect-rs;server;help;database;upgrade' {
            break
        }
        'prefect-rs;server;help;database;downgrade' {
            break
        }
        'prefect-rs;server;help;database;reset' {
            break
        }
        'prefect-rs;server;help;database;history' {
            break
        }
        'prefect-rs;server;help;database;current' {
            break
        }
        'prefect-rs;server;help;help' {
            break
        }
        'prefect-rs;completions' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'prefect-rs;help' {
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'View and set Prefect settings and prefect-rs stack settings')
            [CompletionResult]::new('profile', 'profile', [CompletionResultType]::ParameterValue, 'Create, switch and inspect Prefect profiles')
            [CompletionResult]::new('server', 'server', [CompletionResultType]::ParameterValue, 'Run the Prefect server, see whether it is up, stop it, and migrate its database')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'prefect-rs;help;config' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change settings: Prefect settings go to the active profile, PREFECT_RS_* settings to config.toml')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Restore the default value of settings by removing them from the active profile or config.toml')
            [CompletionResult]::new('view', 'view', [CompletionResultType]::ParameterValue, 'Display the current settings and where each value comes from')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check every setting in every source; rewrite legacy names in the active profile to canonical ones')
            break
        }
        'prefect-rs;help;config;set' {
            break
        }
        'prefect-rs;help;config;unset' {
            break
        }
        'prefect-rs;help;config;view' {
            break
        }
        'prefect-rs;help;config;validate' {
            break
        }
        'prefect-rs;help;profile' {
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List profile names; the active one is marked with *')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a new profile')
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, 'Make a profile the active one (saved at once; the API is then checked, and only reported on)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a profile')
            [CompletionResult]::new('rename', 'rename', [CompletionResultType]::ParameterValue, 'Change the name of a profile')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Display the settings of a profile; defaults to the active one')
            [CompletionResult]::new('populate-defaults', 'populate-defaults', [CompletionResultType]::ParameterValue, 'Add Prefect''s bundled profiles (ephemeral, local, test, cloud) that are missing from the profiles file')
            break
        }
        'prefect-rs;help;profile;ls' {
            break
        }
        'prefect-rs;help;profile;create' {
            break
        }
        'prefect-rs;help;profile;use' {
            break
        }
        'prefect-rs;help;profile;delete' {
            break
        }
        'prefect-rs;help;profile;rename' {
            break
        }
        'prefect-rs;help;profile;inspect' {
            break
        }
        'prefect-rs;help;profile;populate-defaults' {
            break
        }
        'prefect-rs;help;server' {
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Start the Prefect server: PostgreSQL and the API server in Docker, or in this process with --no-docker')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop the server: the Docker stack''s containers (data kept), or the background in-process server')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Report on the server: each Docker service''s state and health, or whether the API answers')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Print the Docker stack''s logs, each line prefixed by its service, or the background server''s log')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Print the stack''s compose file (the database password masked), or write it with --output')
            [CompletionResult]::new('database', 'database', [CompletionResultType]::ParameterValue, 'Migrate the server''s database (PREFECT_SERVER_DATABASE_CONNECTION_URL): SQLite or PostgreSQL')
            break
        }
        'prefect-rs;help;server;start' {
            break
        }
        'prefect-rs;help;server;stop' {
            break
        }
        'prefect-rs;help;server;status' {
            break
        }
        'prefect-rs;help;server;logs' {
            break
        }
        'prefect-rs;help;server;config' {
            break
        }
        'prefect-rs;help;server;database' {
            [CompletionResult]::new('upgrade', 'upgrade', [CompletionResultType]::ParameterValue, 'Apply pending migrations, up to head or to a revision')
            [CompletionResult]::new('downgrade', 'downgrade', [CompletionResultType]::ParameterValue, 'Revert migrations: the last one, or down to a revision (which stays applied); backs up SQLite first')
            [CompletionResult]::new('reset', 'reset', [CompletionResultType]::ParameterValue, 'Drop every table and migrate to head: all data is deleted (SQLite is backed up first)')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'List every migration: applied (and when) or pending')
            [CompletionResult]::new('current', 'current', [CompletionResultType]::ParameterValue, 'Print the database''s current migration version')
            break
        }
        'prefect-rs;help;server;database;upgrade' {
            break
        }
        'prefect-rs;help;server;database;downgrade' {
            break
        }
        'prefect-rs;help;server;database;reset' {
            break
        }
        'prefect-rs;help;server;database;history' {
            break
        }
        'prefect-rs;help;server;database;current' {
            break
        }
        'prefect-rs;help;completions' {
            break
        }
        'prefect-rs;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
