
use builtin;
use str;

set edit:completion:arg-completer[prefect-rs] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'prefect-rs'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'prefect-rs'= {
            cand --color 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]'
            cand -p 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand --profile 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand config 'View and set Prefect settings and prefect-rs stack settings'
            cand profile 'Create, switch and inspect Prefect profiles'
            cand profiles 'Create, switch and inspect Prefect profiles'
            cand server 'Run the Prefect server, see whether it is up, stop it, and migrate its database'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'prefect-rs;config'= {
            cand --color 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]'
            cand -p 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand --profile 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand set 'Change settings: Prefect settings go to the active profile, PREFECT_RS_* settings to config.toml'
            cand unset 'Restore the default value of settings by removing them from the active profile or config.toml'
            cand view 'Display the current settings and where each value comes from'
            cand validate 'Check every setting in every source; rewrite legacy names in the active profile to canonical ones'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'prefect-rs;config;set'= {
            cand --color 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]'
            cand -p 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand --profile 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'prefect-rs;config;unset'= {
            cand --color 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]'
            cand -p 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand --profile 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand -y 'Skip confirmation'
            cand --yes 'Skip confirmation'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'prefect-rs;config;view'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]'
            cand -p 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand --profile 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand --show-defaults 'Show settings that have their default value too'
            cand --hide-defaults 'Show only settings that are set somewhere [default]'
            cand --show-sources 'Show where each value comes from [default]'
            cand --hide-sources 'Do not show where each value comes from'
            cand --show-secrets 'Show secret values instead of ********'
            cand --hide-secrets 'Mask secret values [default]'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'prefect-rs;config;validate'= {
            cand --color 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]'
            cand -p 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand --profile 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand --fix 'Also remove invalid values from the active profile and config.toml'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'prefect-rs;config;help'= {
            cand set 'Change settings: Prefect settings go to the active profile, PREFECT_RS_* settings to config.toml'
            cand unset 'Restore the default value of settings by removing them from the active profile or config.toml'
            cand view 'Display the current settings and where each value comes from'
            cand validate 'Check every setting in every source; rewrite legacy names in the active profile to canonical ones'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'prefect-rs;config;help;set'= {
        }
        &'prefect-rs;config;help;unset'= {
        }
        &'prefect-rs;config;help;view'= {
        }
        &'prefect-rs;config;help;validate'= {
        }
        &'prefect-rs;config;help;help'= {
        }
        &'prefect-rs;profile'= {
            cand --color 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]'
            cand -p 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand --profile 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand ls 'List profile names; the active one is marked with *'
            cand create 'Create a new profile'
            cand use 'Make a profile the active one (saved at once; the API is then checked, and only reported on)'
            cand delete 'Delete a profile'
            cand rename 'Change the name of a profile'
            cand inspect 'Display the settings of a profile; defaults to the active one'
            cand populate-defaults 'Add Prefect''s bundled profiles (ephemeral, local, test, cloud) that are missing from the profiles file'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'prefect-rs;profiles'= {
            cand --color 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]'
            cand -p 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand --profile 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand ls 'List profile names; the active one is marked with *'
            cand create 'Create a new profile'
            cand use 'Make a profile the active one (saved at once; the API is then checked, and only reported on)'
            cand delete 'Delete a profile'
            cand rename 'Change the name of a profile'
            cand inspect 'Display the settings of a profile; defaults to the active one'
            cand populate-defaults 'Add Prefect''s bundled profiles (ephemeral, local, test, cloud) that are missing from the profiles file'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'prefect-rs;profile;ls'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]'
            cand -p 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand --profile 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'prefect-rs;profiles;ls'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]'
            cand -p 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand --profile 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'prefect-rs;profile;create'= {
            cand --from 'Copy the settings of an existing profile'
            cand --color 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]'
            cand -p 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand --profile 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'prefect-rs;profiles;create'= {
            cand --from 'Copy the settings of an existing profile'
            cand --color 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]'
            cand -p 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand --profile 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'prefect-rs;profile;use'= {
            cand --color 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]'
            cand -p 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand --profile 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'prefect-rs;profiles;use'= {
            cand --color 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]'
            cand -p 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand --profile 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'prefect-rs;profile;delete'= {
            cand --color 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]'
            cand -p 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand --profile 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand -y 'Skip confirmation'
            cand --yes 'Skip confirmation'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'prefect-rs;profiles;delete'= {
            cand --color 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]'
            cand -p 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand --profile 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand -y 'Skip confirmation'
            cand --yes 'Skip confirmation'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'prefect-rs;profile;rename'= {
            cand --color 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]'
            cand -p 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand --profile 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'prefect-rs;profiles;rename'= {
            cand --color 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]'
            cand -p 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand --profile 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'prefect-rs;profile;inspect'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]'
            cand -p 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand --profile 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand --show-secrets 'Show secret values instead of ********'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'prefect-rs;profiles;inspect'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]'
            cand -p 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand --profile 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand --show-secrets 'Show secret values instead of ********'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'prefect-rs;profile;populate-defaults'= {
            cand --color 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]'
            cand -p 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand --profile 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand -y 'Skip confirmation'
            cand --yes 'Skip confirmation'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'prefect-rs;profiles;populate-defaults'= {
            cand --color 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]'
            cand -p 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand --profile 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand -y 'Skip confirmation'
            cand --yes 'Skip confirmation'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'prefect-rs;profile;help'= {
            cand ls 'List profile names; the active one is marked with *'
            cand create 'Create a new profile'
            cand use 'Make a profile the active one (saved at once; the API is then checked, and only reported on)'
            cand delete 'Delete a profile'
            cand rename 'Change the name of a profile'
            cand inspect 'Display the settings of a profile; defaults to the active one'
            cand populate-defaults 'Add Prefect''s bundled profiles (ephemeral, local, test, cloud) that are missing from the profiles file'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'prefect-rs;profile;help;ls'= {
        }
        &'prefect-rs;profile;help;create'= {
        }
        &'prefect-rs;profile;help;use'= {
        }
        &'prefect-rs;profile;help;delete'= {
        }
        &'prefect-rs;profile;help;rename'= {
        }
        &'prefect-rs;profile;help;inspect'= {
        }
        &'prefect-rs;profile;help;populate-defaults'= {
        }
        &'prefect-rs;profile;help;help'= {
        }
        &'prefect-rs;profiles;help'= {
            cand ls 'List profile names; the active one is marked with *'
            cand create 'Create a new profile'
            cand use 'Make a profile the active one (saved at once; the API is then checked, and only reported on)'
            cand delete 'Delete a profile'
            cand rename 'Change the name of a profile'
            cand inspect 'Display the settings of a profile; defaults to the active one'
            cand populate-defaults 'Add Prefect''s bundled profiles (ephemeral, local, test, cloud) that are missing from the profiles file'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'prefect-rs;profiles;help;ls'= {
        }
        &'prefect-rs;profiles;help;create'= {
        }
        &'prefect-rs;profiles;help;use'= {
        }
        &'prefect-rs;profiles;help;delete'= {
        }
        &'prefect-rs;profiles;help;rename'= {
        }
        &'prefect-rs;profiles;help;inspect'= {
        }
        &'prefect-rs;profiles;help;populate-defaults'= {
        }
        &'prefect-rs;profiles;help;help'= {
        }
        &'prefect-rs;server'= {
            cand --color 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]'
            cand -p 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand --profile 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand start 'Start the Prefect server: PostgreSQL and the API server in Docker, or in this process with --no-docker'
            cand stop 'Stop the server: the Docker stack''s containers (data kept), or the background in-process server'
            cand status 'Report on the server: each Docker service''s state and health, or whether the API answers'
            cand logs 'Print the Docker stack''s logs, each line prefixed by its service, or the background server''s log'
            cand config 'Print the stack''s compose file (the database password masked), or write it with --output'
            cand database 'Migrate the server''s database (PREFECT_SERVER_DATABASE_CONNECTION_URL): SQLite or PostgreSQL'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'prefect-rs;server;start'= {
            cand --host 'Address to listen on (--no-docker) or publish the server''s port on [default: 127.0.0.1]'
            cand --port 'Port to listen on, or publish the server on [default: PREFECT_SERVER_API_PORT / config.toml, 4200]'
            cand --postgres-port 'Docker: also publish PostgreSQL on this host port (not published by default)'
            cand --volume-path 'Docker: the directory for PostgreSQL''s data with --use-volume [default: PREFECT_HOME/pg_data]'
            cand --pull 'Docker: when to pull images'
            cand --log-level 'Server log level [default: PREFECT_SERVER_LOGGING_LEVEL, WARNING]'
            cand --keep-alive-timeout 'Seconds a silent connection stays open [default: PREFECT_SERVER_API_KEEPALIVE_TIMEOUT, 5]'
            cand --timeout 'Seconds to wait for the server to become healthy [default: 30, or 180 for the Docker stack]'
            cand --color 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]'
            cand -p 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand --profile 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand --no-docker 'Run the API server in this process instead of the Docker stack'
            cand --expose 'Docker: publish the server on every interface (0.0.0.0) instead of 127.0.0.1'
            cand --use-volume 'Docker: keep PostgreSQL''s data in --volume-path on this machine instead of a named Docker volume'
            cand --no-services 'Do not run background services (the scheduler, the foreman, marking late runs, failing expired pauses, freeing expired concurrency leases, cancellation cleanup, zombies, automation triggers); the task-run recorder still runs'
            cand -b 'Return once healthy: the Docker stack keeps running; the in-process server detaches and writes PREFECT_HOME/server.pid and server.log'
            cand -d 'Return once healthy: the Docker stack keeps running; the in-process server detaches and writes PREFECT_HOME/server.pid and server.log'
            cand --background 'Return once healthy: the Docker stack keeps running; the in-process server detaches and writes PREFECT_HOME/server.pid and server.log'
            cand --detach 'Return once healthy: the Docker stack keeps running; the in-process server detaches and writes PREFECT_HOME/server.pid and server.log'
            cand --detached-child 'Internal: this process is the background server started by --background'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'prefect-rs;server;stop'= {
            cand --timeout 'Seconds to wait for a graceful stop before killing'
            cand --color 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]'
            cand -p 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand --profile 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand --no-docker 'Stop the background in-process server instead of the Docker stack'
            cand --remove-data 'Also delete the stack''s PostgreSQL data (its volume or --volume-path directory), after confirmation'
            cand -y 'Skip confirmation'
            cand --yes 'Skip confirmation'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'prefect-rs;server;status'= {
            cand --timeout 'Seconds to wait with --wait'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]'
            cand -p 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand --profile 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand --no-docker 'Check the in-process server (PREFECT_API_URL) instead of the Docker stack'
            cand --wait 'Wait until the server is healthy (up to --timeout)'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'prefect-rs;server;logs'= {
            cand --tail 'Only the last N lines of each service'
            cand --color 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]'
            cand -p 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand --profile 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand --no-docker 'The background in-process server''s log ($PREFECT_HOME/server.log) instead of the Docker stack''s'
            cand -f 'Keep following new lines (Ctrl+C to stop)'
            cand --follow 'Keep following new lines (Ctrl+C to stop)'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'prefect-rs;server;config'= {
            cand -o 'Write the file here instead (mode 0600: it holds the database password)'
            cand --output 'Write the file here instead (mode 0600: it holds the database password)'
            cand --color 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]'
            cand -p 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand --profile 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'prefect-rs;server;database'= {
            cand --color 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]'
            cand -p 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand --profile 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand upgrade 'Apply pending migrations, up to head or to a revision'
            cand downgrade 'Revert migrations: the last one, or down to a revision (which stays applied); backs up SQLite first'
            cand reset 'Drop every table and migrate to head: all data is deleted (SQLite is backed up first)'
            cand history 'List every migration: applied (and when) or pending'
            cand current 'Print the database''s current migration version'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'prefect-rs;server;database;upgrade'= {
            cand -r 'The revision to upgrade to'
            cand --revision 'The revision to upgrade to'
            cand --color 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]'
            cand -p 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand --profile 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand -y 'Skip confirmation'
            cand --yes 'Skip confirmation'
            cand --dry-run 'Print the migrations and their SQL instead of running them'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'prefect-rs;server;database;downgrade'= {
            cand -r 'The revision to downgrade to: -1 reverts the newest migration, base reverts them all'
            cand --revision 'The revision to downgrade to: -1 reverts the newest migration, base reverts them all'
            cand --color 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]'
            cand -p 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand --profile 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand -y 'Skip confirmation'
            cand --yes 'Skip confirmation'
            cand --dry-run 'Print the migrations and their SQL instead of running them'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'prefect-rs;server;database;reset'= {
            cand --color 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]'
            cand -p 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand --profile 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand -y 'Skip confirmation'
            cand --yes 'Skip confirmation'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'prefect-rs;server;database;history'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]'
            cand -p 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand --profile 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'prefect-rs;server;database;current'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]'
            cand -p 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand --profile 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'prefect-rs;server;database;help'= {
            cand upgrade 'Apply pending migrations, up to head or to a revision'
            cand downgrade 'Revert migrations: the last one, or down to a revision (which stays applied); backs up SQLite first'
            cand reset 'Drop every table and migrate to head: all data is deleted (SQLite is backed up first)'
            cand history 'List every migration: applied (and when) or pending'
            cand current 'Print the database''s current migration version'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'prefect-rs;server;database;help;upgrade'= {
        }
        &'prefect-rs;server;database;help;downgrade'= {
        }
        &'prefect-rs;server;database;help;reset'= {
        }
        &'prefect-rs;server;database;help;history'= {
        }
        &'prefect-rs;server;database;help;current'= {
        }
        &'prefect-rs;server;database;help;help'= {
        }
        &'prefect-rs;server;help'= {
            cand start 'Start the Prefect server: PostgreSQL and the API server in Docker, or in this process with --no-docker'
            cand stop 'Stop the server: the Docker stack''s containers (data kept), or the background in-process server'
            cand status 'Report on the server: each Docker service''s state and health, or whether the API answers'
            cand logs 'Print the Docker stack''s logs, each line prefixed by its service, or the background server''s log'
            cand config 'Print the stack''s compose file (the database password masked), or write it with --output'
            cand database 'Migrate the server''s database (PREFECT_SERVER_DATABASE_CONNECTION_URL): SQLite or PostgreSQL'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'prefect-rs;server;help;start'= {
        }
        &'prefect-rs;server;help;stop'= {
        }
        &'prefect-rs;server;help;status'= {
        }
        &'prefect-rs;server;help;logs'= {
        }
        &'prefect-rs;server;help;config'= {
        }
        &'prefect-rs;server;help;database'= {
            cand upgrade 'Apply pending migrations, up to head or to a revision'
            cand downgrade 'Revert migrations: the last one, or down to a revision (which stays applied); backs up SQLite first'
            cand reset 'Drop every table and migrate to head: all data is deleted (SQLite is backed up first)'
            cand history 'List every migration: applied (and when) or pending'
            cand current 'Print the database''s current migration version'
        }
        &'prefect-rs;server;help;database;upgrade'= {
        }
        &'prefect-rs;server;help;database;downgrade'= {
        }
        &'prefect-rs;server;help;database;reset'= {
        }
        &'prefect-rs;server;help;database;history'= {
        }
        &'prefect-rs;server;help;database;current'= {
        }
        &'prefect-rs;server;help;help'= {
        }
        &'prefect-rs;completions'= {
            cand --color 'When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]'
            cand -p 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand --profile 'Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Print more detail (repeat for more)'
            cand --verbose 'Print more detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'prefect-rs;help'= {
            cand config 'View and set Prefect settings and prefect-rs stack settings'
            cand profile 'Create, switch and inspect Prefect profiles'
            cand server 'Run the Prefect server, see whether it is up, stop it, and migrate its database'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'prefect-rs;help;config'= {
            cand set 'Change settings: Prefect settings go to the active profile, PREFECT_RS_* settings to config.toml'
            cand unset 'Restore the default value of settings by removing them from the active profile or config.toml'
            cand view 'Display the current settings and where each value comes from'
            cand validate 'Check every setting in every source; rewrite legacy names in the active profile to canonical ones'
        }
        &'prefect-rs;help;config;set'= {
        }
        &'prefect-rs;help;config;unset'= {
        }
        &'prefect-rs;help;config;view'= {
        }
        &'prefect-rs;help;config;validate'= {
        }
        &'prefect-rs;help;profile'= {
            cand ls 'List profile names; the active one is marked with *'
            cand create 'Create a new profile'
            cand use 'Make a profile the active one (saved at once; the API is then checked, and only reported on)'
            cand delete 'Delete a profile'
            cand rename 'Change the name of a profile'
            cand inspect 'Display the settings of a profile; defaults to the active one'
            cand populate-defaults 'Add Prefect''s bundled profiles (ephemeral, local, test, cloud) that are missing from the profiles file'
        }
        &'prefect-rs;help;profile;ls'= {
        }
        &'prefect-rs;help;profile;create'= {
        }
        &'prefect-rs;help;profile;use'= {
        }
        &'prefect-rs;help;profile;delete'= {
        }
        &'prefect-rs;help;profile;rename'= {
        }
        &'prefect-rs;help;profile;inspect'= {
        }
        &'prefect-rs;help;profile;populate-defaults'= {
        }
        &'prefect-rs;help;server'= {
            cand start 'Start the Prefect server: PostgreSQL and the API server in Docker, or in this process with --no-docker'
            cand stop 'Stop the server: the Docker stack''s containers (data kept), or the background in-process server'
            cand status 'Report on the server: each Docker service''s state and health, or whether the API answers'
            cand logs 'Print the Docker stack''s logs, each line prefixed by its service, or the background server''s log'
            cand config 'Print the stack''s compose file (the database password masked), or write it with --output'
            cand database 'Migrate the server''s database (PREFECT_SERVER_DATABASE_CONNECTION_URL): SQLite or PostgreSQL'
        }
        &'prefect-rs;help;server;start'= {
        }
        &'prefect-rs;help;server;stop'= {
        }
        &'prefect-rs;help;server;status'= {
        }
        &'prefect-rs;help;server;logs'= {
        }
        &'prefect-rs;help;server;config'= {
        }
        &'prefect-rs;help;server;database'= {
            cand upgrade 'Apply pending migrations, up to head or to a revision'
            cand downgrade 'Revert migrations: the last one, or down to a revision (which stays applied); backs up SQLite first'
            cand reset 'Drop every table and migrate to head: all data is deleted (SQLite is backed up first)'
            cand history 'List every migration: applied (and when) or pending'
            cand current 'Print the database''s current migration version'
        }
        &'prefect-rs;help;server;database;upgrade'= {
        }
        &'prefect-rs;help;server;database;downgrade'= {
        }
        &'prefect-rs;help;server;database;reset'= {
        }
        &'prefect-rs;help;server;database;history'= {
        }
        &'prefect-rs;help;server;database;current'= {
        }
        &'prefect-rs;help;completions'= {
        }
        &'prefect-rs;help;help'= {
        }
    ]
    $completions[$command]
}
