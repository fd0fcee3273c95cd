
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
