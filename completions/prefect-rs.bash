_prefect__rs() {
    local i cur prev opts cmd
    COMPREPLY=()
    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
        cur="$2"
    else
        cur="${COMP_WORDS[COMP_CWORD]}"
    fi
    prev="$3"
    cmd=""
    opts=""

    for i in "${COMP_WORDS[@]:0:COMP_CWORD}"
    do
        case "${cmd},${i}" in
            ",$1")
                cmd="prefect__rs"
                ;;
            prefect__rs,completions)
                cmd="prefect__rs__subcmd__completions"
                ;;
            prefect__rs,config)
                cmd="prefect__rs__subcmd__config"
                ;;
            prefect__rs,help)
                cmd="prefect__rs__subcmd__help"
                ;;
            prefect__rs,profile)
                cmd="prefect__rs__subcmd__profile"
                ;;
            prefect__rs,profiles)
                cmd="prefect__rs__subcmd__profile"
                ;;
            prefect__rs,server)
                cmd="prefect__rs__subcmd__server"
                ;;
            prefect__rs__subcmd__config,help)
                cmd="prefect__rs__subcmd__config__subcmd__help"
                ;;
            prefect__rs__subcmd__config,set)
                cmd="prefect__rs__subcmd__config__subcmd__set"
                ;;
            prefect__rs__subcmd__config,unset)
                cmd="prefect__rs__subcmd__config__subcmd__unset"
                ;;
            prefect__rs__subcmd__config,validate)
                cmd="prefect__rs__subcmd__config__subcmd__validate"
                ;;
            prefect__rs__subcmd__config,view)
                cmd="prefect__rs__subcmd__config__subcmd__view"
                ;;
            prefect__rs__subcmd__config__subcmd__help,help)
                cmd="prefect__rs__subcmd__config__subcmd__help__subcmd__help"
                ;;
            prefect__rs__subcmd__config__subcmd__help,set)
                cmd="prefect__rs__subcmd__config__subcmd__help__subcmd__set"
                ;;
            prefect__rs__subcmd__config__subcmd__help,unset)
                cmd="prefect__rs__subcmd__config__subcmd__help__subcmd__unset"
                ;;
            prefect__rs__subcmd__config__subcmd__help,validate)
                cmd="prefect__rs__subcmd__config__subcmd__help__subcmd__validate"
                ;;
            prefect__rs__subcmd__config__subcmd__help,view)
                cmd="prefect__rs__subcmd__config__subcmd__help__subcmd__view"
                ;;
            prefect__rs__subcmd__help,completions)
                cmd="prefect__rs__subcmd__help__subcmd__completions"
                ;;
            prefect__rs__subcmd__help,config)
                cmd="prefect__rs__subcmd__help__subcmd__config"
                ;;
            prefect__rs__subcmd__help,help)
                cmd="prefect__rs__subcmd__help__subcmd__help"
                ;;
            prefect__rs__subcmd__help,profile)
                cmd="prefect__rs__subcmd__help__subcmd__profile"
                ;;
            prefect__rs__subcmd__help,server)
                cmd="prefect__rs__subcmd__help__subcmd__server"
                ;;
            prefect__rs__subcmd__help__subcmd__config,set)
                cmd="prefect__rs__subcmd__help__subcmd__config__subcmd__set"
                ;;
            prefect__rs__subcmd__help__subcmd__config,unset)
                cmd="prefect__rs__subcmd__help__subcmd__config__subcmd__unset"
                ;;
            prefect__rs__subcmd__help__subcmd__config,validate)
                cmd="prefect__rs__subcmd__help__subcmd__config__subcmd__validate"
                ;;
            prefect__rs__subcmd__help__subcmd__config,view)
                cmd="prefect__rs__subcmd__help__subcmd__config__subcmd__view"
                ;;
            prefect__rs__subcmd__help__subcmd__profile,create)
                cmd="prefect__rs__subcmd__help__subcmd__profile__subcmd__create"
                ;;
            prefect__rs__subcmd__help__subcmd__profile,delete)
                cmd="prefect__rs__subcmd__help__subcmd__profile__subcmd__delete"
                ;;
            prefect__rs__subcmd__help__subcmd__profile,inspect)
                cmd="prefect__rs__subcmd__help__subcmd__profile__subcmd__inspect"
                ;;
            prefect__rs__subcmd__help__subcmd__profile,ls)
                cmd="prefect__rs__subcmd__help__subcmd__profile__subcmd__ls"
                ;;
            prefect__rs__subcmd__help__subcmd__profile,populate-defaults)
                cmd="prefect__rs__subcmd__help__subcmd__profile__subcmd__populate__subcmd__defaults"
                ;;
            prefect__rs__subcmd__help__subcmd__profile,rename)
                cmd="prefect__rs__subcmd__help__subcmd__profile__subcmd__rename"
                ;;
            prefect__rs__subcmd__help__subcmd__profile,use)
                cmd="prefect__rs__subcmd__help__subcmd__profile__subcmd__use"
                ;;
            prefect__rs__subcmd__help__subcmd__server,config)
                cmd="prefect__rs__subcmd__help__subcmd__server__subcmd__config"
                ;;
            prefect__rs__subcmd__help__subcmd__server,database)
                cmd="prefect__rs__subcmd__help__subcmd__server__subcmd__database"
                ;;
            prefect__rs__subcmd__help__subcmd__server,logs)
                cmd="prefect__rs__subcmd__help__subcmd__server__subcmd__logs"
                ;;
            prefect__rs__subcmd__help__subcmd__server,start)
                cmd="prefect__rs__subcmd__help__subcmd__server__subcmd__start"
                ;;
            prefect__rs__subcmd__help__subcmd__server,status)
                cmd="prefect__rs__subcmd__help__subcmd__server__subcmd__status"
                ;;
            prefect__rs__subcmd__help__subcmd__server,stop)
                cmd="prefect__rs__subcmd__help__subcmd__server__subcmd__stop"
                ;;
            prefect__rs__subcmd__help__subcmd__server__subcmd__database,current)
                cmd="prefect__rs__subcmd__help__subcmd__server__subcmd__database__subcmd__current"
                ;;
            prefect__rs__subcmd__help__subcmd__server__subcmd__database,downgrade)
                cmd="prefect__rs__subcmd__help__subcmd__server__subcmd__database__subcmd__downgrade"
                ;;
            prefect__rs__subcmd__help__subcmd__server__subcmd__database,history)
                cmd="prefect__rs__subcmd__help__subcmd__server__subcmd__database__subcmd__history"
                ;;
            prefect__rs__subcmd__help__subcmd__server__subcmd__database,reset)
                cmd="prefect__rs__subcmd__help__subcmd__server__subcmd__database__subcmd__reset"
                ;;
            prefect__rs__subcmd__help__subcmd__server__subcmd__database,upgrade)
                cmd="prefect__rs__subcmd__help__subcmd__server__subcmd__database__subcmd__upgrade"
                ;;
            prefect__rs__subcmd__profile,create)
                cmd="prefect__rs__subcmd__profile__subcmd__create"
                ;;
            prefect__rs__subcmd__profile,delete)
                cmd="prefect__rs__subcmd__profile__subcmd__delete"
                ;;
            prefect__rs__subcmd__profile,help)
                cmd="prefect__rs__subcmd__profile__subcmd__help"
                ;;
            prefect__rs__subcmd__profile,inspect)
                cmd="prefect__rs__subcmd__profile__subcmd__inspect"
                ;;
            prefect__rs__subcmd__profile,ls)
                cmd="prefect__rs__subcmd__profile__subcmd__ls"
                ;;
            prefect__rs__subcmd__profile,populate-defaults)
                cmd="prefect__rs__subcmd__profile__subcmd__populate__subcmd__defaults"
                ;;
            prefect__rs__subcmd__profile,rename)
                cmd="prefect__rs__subcmd__profile__subcmd__rename"
                ;;
            prefect__rs__subcmd__profile,use)
                cmd="prefect__rs__subcmd__profile__subcmd__use"
                ;;
            prefect__rs__subcmd__profile__subcmd__help,create)
                cmd="prefect__rs__subcmd__profile__subcmd__help__subcmd__create"
                ;;
            prefect__rs__subcmd__profile__subcmd__help,delete)
                cmd="prefect__rs__subcmd__profile__subcmd__help__subcmd__delete"
                ;;
            prefect__rs__subcmd__profile__subcmd__help,help)
                cmd="prefect__rs__subcmd__profile__subcmd__help__subcmd__help"
                ;;
            prefect__rs__subcmd__profile__subcmd__help,inspect)
                cmd="prefect__rs__subcmd__profile__subcmd__help__subcmd__inspect"
                ;;
            prefect__rs__subcmd__profile__subcmd__help,ls)
                cmd="prefect__rs__subcmd__profile__subcmd__help__subcmd__ls"
                ;;
            prefect__rs__subcmd__profile__subcmd__help,populate-defaults)
                cmd="prefect__rs__subcmd__profile__subcmd__help__subcmd__populate__subcmd__defaults"
                ;;
            prefect__rs__subcmd__profile__subcmd__help,rename)
                cmd="prefect__rs__subcmd__profile__subcmd__help__subcmd__rename"
                ;;
            prefect__rs__subcmd__profile__subcmd__help,use)
                cmd="prefect__rs__subcmd__profile__subcmd__help__subcmd__use"
                ;;
            prefect__rs__subcmd__server,config)
                cmd="prefect__rs__subcmd__server__subcmd__config"
                ;;
            prefect__rs__subcmd__server,database)
                cmd="prefect__rs__subcmd__server__subcmd__database"
                ;;
            prefect__rs__subcmd__server,help)
                cmd="prefect__rs__subcmd__server__subcmd__help"
                ;;
            prefect__rs__subcmd__server,logs)
                cmd="prefect__rs__subcmd__server__subcmd__logs"
                ;;
            prefect__rs__subcmd__server,start)
                cmd="prefect__rs__subcmd__server__subcmd__start"
                ;;
            prefect__rs__subcmd__server,status)
                cmd="prefect__rs__subcmd__server__subcmd__status"
                ;;
            prefect__rs__subcmd__server,stop)
                cmd="prefect__rs__subcmd__server__subcmd__stop"
                ;;
            prefect__rs__subcmd__server__subcmd__database,current)
                cmd="prefect__rs__subcmd__server__subcmd__database__subcmd__current"
                ;;
            prefect__rs__subcmd__server__subcmd__database,downgrade)
                cmd="prefect__rs__subcmd__server__subcmd__database__subcmd__downgrade"
                ;;
            prefect__rs__subcmd__server__subcmd__database,help)
                cmd="prefect__rs__subcmd__server__subcmd__database__subcmd__help"
                ;;
            prefect__rs__subcmd__server__subcmd__database,history)
                cmd="prefect__rs__subcmd__server__subcmd__database__subcmd__history"
                ;;
            prefect__rs__subcmd__server__subcmd__database,reset)
                cmd="prefect__rs__subcmd__server__subcmd__database__subcmd__reset"
                ;;
            prefect__rs__subcmd__server__subcmd__database,upgrade)
                cmd="prefect__rs__subcmd__server__subcmd__database__subcmd__upgrade"
                ;;
            prefect__rs__subcmd__server__subcmd__database__subcmd__help,current)
                cmd="prefect__rs__subcmd__server__subcmd__database__subcmd__help__subcmd__current"
                ;;
            prefect__rs__subcmd__server__subcmd__database__subcmd__help,downgrade)
                cmd="prefect__rs__subcmd__server__subcmd__database__subcmd__help__subcmd__downgrade"
                ;;
            prefect__rs__subcmd__server__subcmd__database__subcmd__help,help)
                cmd="prefect__rs__subcmd__server__subcmd__database__subcmd__help__subcmd__help"
                ;;
            prefect__rs__subcmd__server__subcmd__database__subcmd__help,history)
                cmd="prefect__rs__subcmd__server__subcmd__database__subcmd__help__subcmd__history"
                ;;
            prefect__rs__subcmd__server__subcmd__database__subcmd__help,reset)
                cmd="prefect__rs__subcmd__server__subcmd__database__subcmd__help__subcmd__reset"
                ;;
            prefect__rs__subcmd__server__subcmd__database__subcmd__help,upgrade)
                cmd="prefect__rs__subcmd__server__subcmd__database__subcmd__help__subcmd__upgrade"
                ;;
            prefect__rs__subcmd__server__subcmd__help,config)
                cmd="prefect__rs__subcmd__server__subcmd__help__subcmd__config"
                ;;
            prefect__rs__subcmd__server__subcmd__help,database)
                cmd="prefect__rs__subcmd__server__subcmd__help__subcmd__database"
                ;;
            prefect__rs__subcmd__server__subcmd__help,help)
                cmd="prefect__rs__subcmd__server__subcmd__help__subcmd__help"
                ;;
            prefect__rs__subcmd__server__subcmd__help,logs)
                cmd="prefect__rs__subcmd__server__subcmd__help__subcmd__logs"
                ;;
            prefect__rs__subcmd__server__subcmd__help,start)
                cmd="prefect__rs__subcmd__server__subcmd__help__subcmd__start"
                ;;
            prefect__rs__subcmd__server__subcmd__help,status)
                cmd="prefect__rs__subcmd__server__subcmd__help__subcmd__status"
                ;;
            prefect__rs__subcmd__server__subcmd__help,stop)
                cmd="prefect__rs__subcmd__server__subcmd__help__subcmd__stop"
                ;;
            prefect__rs__subcmd__server__subcmd__help__subcmd__database,current)
                cmd="prefect__rs__subcmd__server__subcmd__help__subcmd__database__subcmd__current"
                ;;
            prefect__rs__subcmd__server__subcmd__help__subcmd__database,downgrade)
                cmd="prefect__rs__subcmd__server__subcmd__help__subcmd__database__subcmd__downgrade"
                ;;
            prefect__rs__subcmd__server__subcmd__help__subcmd__database,history)
                cmd="prefect__rs__subcmd__server__subcmd__help__subcmd__database__subcmd__history"
                ;;
            prefect__rs__subcmd__server__subcmd__help__subcmd__database,reset)
                cmd="prefect__rs__subcmd__server__subcmd__help__subcmd__database__subcmd__reset"
                ;;
            prefect__rs__subcmd__server__subcmd__help__subcmd__database,upgrade)
                cmd="prefect__rs__subcmd__server__subcmd__help__subcmd__database__subcmd__upgrade"
                ;;
            *)
                ;;
        esac
    done

    case "${cmd}" in
        prefect__rs)
            opts="-q -v -p -h -V --quiet --verbose --color --profile --help --version config profile profiles server completions help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 1 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__completions)
            opts="-q -v -p -h -V --quiet --verbose --color --profile --help --version bash elvish fish powershell zsh"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__config)
            opts="-q -v -p -h -V --quiet --verbose --color --profile --help --version set unset view validate help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__config__subcmd__help)
            opts="set unset view validate help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__config__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__config__subcmd__help__subcmd__set)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__config__subcmd__help__subcmd__unset)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__config__subcmd__help__subcmd__validate)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__config__subcmd__help__subcmd__view)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__config__subcmd__set)
            opts="-q -v -p -h -V --quiet --verbose --color --profile --help --version PREFECT_HOME PREFECT_PROFILES_PATH PREFECT_API_URL PREFECT_API_KEY PREFECT_API_AUTH_STRING PREFECT_API_REQUEST_TIMEOUT PREFECT_SERVER_API_HOST PREFECT_SERVER_API_PORT PREFECT_SERVER_API_KEEPALIVE_TIMEOUT PREFECT_SERVER_API_AUTH_STRING PREFECT_SERVER_ENCRYPTION_KEY PREFECT_SERVER_API_CSRF_PROTECTION_ENABLED PREFECT_SERVER_API_CSRF_TOKEN_EXPIRATION PREFECT_SERVER_API_CORS_ALLOWED_ORIGINS PREFECT_SERVER_API_CORS_ALLOWED_METHODS PREFECT_SERVER_API_CORS_ALLOWED_HEADERS PREFECT_SERVER_DATABASE_CONNECTION_URL PREFECT_SERVER_DATABASE_MIGRATE_ON_START PREFECT_SERVER_DATABASE_TIMEOUT PREFECT_SERVER_DATABASE_CONNECTION_TIMEOUT PREFECT_SERVER_SERVICES_FOREMAN_ENABLED PREFECT_SERVER_SERVICES_FOREMAN_LOOP_SECONDS PREFECT_SERVER_SERVICES_FOREMAN_INACTIVITY_HEARTBEAT_MULTIPLE PREFECT_SERVER_SERVICES_FOREMAN_FALLBACK_HEARTBEAT_INTERVAL_SECONDS PREFECT_SERVER_SERVICES_FOREMAN_DEPLOYMENT_LAST_POLLED_TIMEOUT_SECONDS PREFECT_SERVER_SERVICES_FOREMAN_WORK_QUEUE_LAST_POLLED_TIMEOUT_SECONDS PREFECT_SERVER_SERVICES_LATE_RUNS_ENABLED PREFECT_SERVER_SERVICES_LATE_RUNS_LOOP_SECONDS PREFECT_SERVER_SERVICES_LATE_RUNS_AFTER_SECONDS PREFECT_SERVER_SERVICES_PAUSE_EXPIRATIONS_ENABLED PREFECT_SERVER_SERVICES_PAUSE_EXPIRATIONS_LOOP_SECONDS PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED PREFECT_SERVER_EVENTS_PROACTIVE_GRANULARITY PREFECT_SERVER_EVENTS_EXPIRED_BUCKET_BUFFER PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS PREFECT_SERVER_SERVICES_SCHEDULER_RECENT_DEPLOYMENTS_LOOP_SECONDS PREFECT_SERVER_SERVICES_SCHEDULER_DEPLOYMENT_BATCH_SIZE PREFECT_SERVER_SERVICES_SCHEDULER_MAX_RUNS PREFECT_SERVER_SERVICES_SCHEDULER_MIN_RUNS PREFECT_SERVER_SERVICES_SCHEDULER_MAX_SCHEDULED_TIME PREFECT_SERVER_SERVICES_SCHEDULER_MIN_SCHEDULED_TIME PREFECT_SERVER_SERVICES_SCHEDULER_INSERT_BATCH_SIZE PREFECT_SERVER_SERVICES_REPOSSESSOR_ENABLED PREFECT_SERVER_SERVICES_REPOSSESSOR_LOOP_SECONDS PREFECT_SERVER_TASKS_TAG_CONCURRENCY_SLOT_WAIT_SECONDS PREFECT_SERVER_CONCURRENCY_MAXIMUM_CONCURRENCY_SLOT_WAIT_SECONDS PREFECT_SERVER_LOGGING_LEVEL PREFECT_LOGGING_LEVEL PREFECT_SERVER_UI_ENABLED PREFECT_SERVER_UI_API_URL PREFECT_UI_URL PREFECT_SERVER_ANALYTICS_ENABLED PREFECT_RS_SERVER_MODE PREFECT_RS_SERVER_IMAGE PREFECT_RS_SERVER_FLAVOR PREFECT_RS_SERVER_MAX_CONNECTIONS PREFECT_RS_SERVER_SERVICES_ZOMBIES_ENABLED PREFECT_RS_SERVER_SERVICES_ZOMBIES_LOOP_SECONDS PREFECT_RS_SERVER_SERVICES_ZOMBIES_AFTER_SECONDS PREFECT_RS_SERVER_HOST_IP PREFECT_RS_SERVER_PORT PREFECT_RS_SERVER_MAX_REQUEST_BODY_BYTES PREFECT_RS_SERVER_UI_API_URL PREFECT_RS_DOCKER_PROJECT PREFECT_RS_POSTGRES_IMAGE PREFECT_RS_POSTGRES_PORT PREFECT_RS_POSTGRES_USER PREFECT_RS_POSTGRES_DATABASE PREFECT_RS_POSTGRES_PASSWORD PREFECT_RS_POSTGRES_USE_VOLUME PREFECT_RS_POSTGRES_VOLUME_PATH PREFECT_API_ENABLE_HTTP2 PREFECT_API_SSL_CERT_FILE PREFECT_API_TLS_INSECURE_SKIP_VERIFY PREFECT_CLIENT_CSRF_SUPPORT_ENABLED PREFECT_CLIENT_CUSTOM_HEADERS PREFECT_CLIENT_MAX_RETRIES PREFECT_CLIENT_METRICS_ENABLED PREFECT_CLIENT_METRICS_PORT PREFECT_CLIENT_RETRY_EXTRA_CODES PREFECT_CLIENT_RETRY_JITTER_FACTOR PREFECT_CLIENT_SERVER_VERSION_CHECK_ENABLED PREFECT_CLI_COLORS PREFECT_CLI_PROMPT PREFECT_CLI_WRAP_LINES PREFECT_CLOUD_API_URL PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY PREFECT_CLOUD_MAX_LOG_SIZE PREFECT_CLOUD_UI_URL PREFECT_DEBUG_MODE PREFECT_DEPLOYMENTS_DEFAULT_DOCKER_BUILD_NAMESPACE PREFECT_DEPLOYMENTS_DEFAULT_WORK_POOL_NAME PREFECT_EVENTS_WORKER_MAX_QUEUE_SIZE PREFECT_EXPERIMENTS_WARN PREFECT_FLOWS_DEFAULT_RETRIES PREFECT_FLOWS_DEFAULT_RETRY_DELAY_SECONDS PREFECT_FLOWS_HEARTBEAT_FREQUENCY PREFECT_INTERNAL_LOGGING_LEVEL PREFECT_LOGGING_COLORS PREFECT_LOGGING_CONFIG_PATH PREFECT_LOGGING_EXTRA_LOGGERS PREFECT_LOGGING_LOG_PRINTS PREFECT_LOGGING_MARKUP PREFECT_LOGGING_TO_API_BATCH_INTERVAL PREFECT_LOGGING_TO_API_BATCH_SIZE PREFECT_LOGGING_TO_API_ENABLED PREFECT_LOGGING_TO_API_MAX_LOG_SIZE PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW PREFECT_PLUGINS_ALLOW PREFECT_PLUGINS_DENY PREFECT_PLUGINS_ENABLED PREFECT_PLUGINS_SAFE_MODE PREFECT_PLUGINS_SETUP_TIMEOUT_SECONDS PREFECT_PLUGINS_STRICT PREFECT_RESULTS_DEFAULT_SERIALIZER PREFECT_RESULTS_DEFAULT_STORAGE_BLOCK PREFECT_RESULTS_LOCAL_STORAGE_PATH PREFECT_RESULTS_PERSIST_BY_DEFAULT PREFECT_RUNNER_AUTO_INSTALL_DEPENDENCIES PREFECT_RUNNER_CRASH_ON_CANCELLATION_FAILURE PREFECT_RUNNER_POLL_FREQUENCY PREFECT_RUNNER_PROCESS_LIMIT PREFECT_RUNNER_SERVER_ENABLE PREFECT_RUNNER_SERVER_HOST PREFECT_RUNNER_SERVER_LOG_LEVEL PREFECT_RUNNER_SERVER_MISSED_POLLS_TOLERANCE PREFECT_RUNNER_SERVER_PORT PREFECT_SERVER_API_BASE_PATH PREFECT_SERVER_API_DEFAULT_LIMIT PREFECT_SERVER_API_MAX_PARAMETER_SIZE PREFECT_SERVER_API_WEBSOCKET_PING_INTERVAL PREFECT_SERVER_API_WEBSOCKET_PING_TIMEOUT PREFECT_SERVER_CONCURRENCY_INITIAL_DEPLOYMENT_LEASE_DURATION PREFECT_SERVER_CONCURRENCY_LEASE_STORAGE PREFECT_SERVER_DATABASE_DRIVER PREFECT_SERVER_DATABASE_ECHO PREFECT_SERVER_DATABASE_HOST PREFECT_SERVER_DATABASE_MIGRATION_TIMEOUT PREFECT_SERVER_DATABASE_NAME PREFECT_SERVER_DATABASE_PASSWORD PREFECT_SERVER_DATABASE_PORT PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_APPLICATION_NAME PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_PREPARED_STATEMENT_CACHE_SIZE PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_SEARCH_PATH PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_STATEMENT_CACHE_SIZE PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_TLS_CA_FILE PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_TLS_CERT_FILE PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_TLS_CHECK_HOSTNAME PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_TLS_ENABLED PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_TLS_KEY_FILE PREFECT_SERVER_DATABASE_SQLALCHEMY_MAX_OVERFLOW PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_RECYCLE PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_SIZE PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_TIMEOUT PREFECT_SERVER_DATABASE_USER PREFECT_SERVER_DEPLOYMENTS_CONCURRENCY_SLOT_WAIT_SECONDS PREFECT_SERVER_DEPLOYMENT_SCHEDULE_MAX_SCHEDULED_RUNS PREFECT_SERVER_DOCKET_NAME PREFECT_SERVER_DOCKET_URL PREFECT_SERVER_EPHEMERAL_ENABLED PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS PREFECT_SERVER_EVENTS_CAUSAL_ORDERING PREFECT_SERVER_EVENTS_MAXIMUM_EVENT_NAME_LENGTH PREFECT_SERVER_EVENTS_MAXIMUM_LABELS_PER_RESOURCE PREFECT_SERVER_EVENTS_MAXIMUM_RELATED_RESOURCES PREFECT_SERVER_EVENTS_MAXIMUM_SIZE_BYTES PREFECT_SERVER_EVENTS_MAXIMUM_WEBSOCKET_BACKFILL PREFECT_SERVER_EVENTS_MESSAGING_BROKER PREFECT_SERVER_EVENTS_MESSAGING_CACHE PREFECT_SERVER_EVENTS_RELATED_RESOURCE_CACHE_TTL PREFECT_SERVER_EVENTS_RETENTION_PERIOD PREFECT_SERVER_EVENTS_STREAM_OUT_ENABLED PREFECT_SERVER_EVENTS_WEBSOCKET_BACKFILL_PAGE_SIZE PREFECT_SERVER_FLOW_RUN_GRAPH_MAX_ARTIFACTS PREFECT_SERVER_FLOW_RUN_GRAPH_MAX_NODES PREFECT_SERVER_LOGS_STREAM_OUT_ENABLED PREFECT_SERVER_LOGS_STREAM_PUBLISHING_ENABLED PREFECT_SERVER_LOG_RETRYABLE_ERRORS PREFECT_SERVER_MEMOIZE_BLOCK_AUTO_REGISTRATION PREFECT_SERVER_MEMO_STORE_PATH PREFECT_SERVER_METRICS_ENABLED PREFECT_SERVER_REGISTER_BLOCKS_ON_START PREFECT_SERVER_SERVICES_CANCELLATION_CLEANUP_CANCELLING_TIMEOUT_SECONDS PREFECT_SERVER_SERVICES_CANCELLATION_CLEANUP_ENABLED PREFECT_SERVER_SERVICES_CANCELLATION_CLEANUP_LOOP_SECONDS PREFECT_SERVER_SERVICES_CLEANUP_RECONCILER_BATCH_SIZE PREFECT_SERVER_SERVICES_CLEANUP_RECONCILER_ENABLED PREFECT_SERVER_SERVICES_CLEANUP_RECONCILER_LOOP_SECONDS PREFECT_SERVER_SERVICES_DB_VACUUM_BATCH_SIZE PREFECT_SERVER_SERVICES_DB_VACUUM_ENABLED PREFECT_SERVER_SERVICES_DB_VACUUM_EVENT_RETENTION_OVERRIDES PREFECT_SERVER_SERVICES_DB_VACUUM_LOOP_SECONDS PREFECT_SERVER_SERVICES_DB_VACUUM_ORPHAN_CLEANUP_LOOP_SECONDS PREFECT_SERVER_SERVICES_DB_VACUUM_RETENTION_PERIOD PREFECT_SERVER_SERVICES_EVENT_LOGGER_ENABLED PREFECT_SERVER_SERVICES_EVENT_PERSISTER_BATCH_SIZE PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED PREFECT_SERVER_SERVICES_EVENT_PERSISTER_FLUSH_INTERVAL PREFECT_SERVER_SERVICES_EVENT_PERSISTER_MAX_FLUSH_RETRIES PREFECT_SERVER_SERVICES_EVENT_PERSISTER_QUEUE_MAX_SIZE PREFECT_SERVER_SERVICES_EVENT_PERSISTER_READ_BATCH_SIZE PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_FLUSH_INTERVAL PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_READ_BATCH_SIZE PREFECT_SERVER_SERVICES_TRIGGERS_PG_NOTIFY_HEARTBEAT_INTERVAL_SECONDS PREFECT_SERVER_SERVICES_TRIGGERS_PG_NOTIFY_RECONNECT_INTERVAL_SECONDS PREFECT_SERVER_SERVICES_TRIGGERS_READ_BATCH_SIZE PREFECT_SERVER_TASKS_MAX_CACHE_KEY_LENGTH PREFECT_SERVER_TASKS_SCHEDULING_MAX_RETRY_QUEUE_SIZE PREFECT_SERVER_TASKS_SCHEDULING_MAX_SCHEDULED_QUEUE_SIZE PREFECT_SERVER_TASKS_SCHEDULING_PENDING_TASK_TIMEOUT PREFECT_SERVER_UI_SERVE_BASE PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT PREFECT_SERVER_UI_STATIC_DIRECTORY PREFECT_SERVER_UI_V2_ENABLED PREFECT_SERVER_WORKER_CHANNEL_CLEANUP_COMPLETED_IDEMPOTENCY_RETENTION_SECONDS PREFECT_SERVER_WORKER_CHANNEL_CLEANUP_LEASE_SECONDS PREFECT_SERVER_WORKER_CHANNEL_CLEANUP_MAX_DELIVERY_ATTEMPTS PREFECT_SERVER_WORKER_CHANNEL_CLEANUP_QUEUE_STORAGE PREFECT_SILENCE_API_URL_MISCONFIGURATION PREFECT_TASKS_DEFAULT_NO_CACHE PREFECT_TASKS_DEFAULT_PERSIST_RESULT PREFECT_TASKS_DEFAULT_RETRIES PREFECT_TASKS_DEFAULT_RETRY_DELAY_SECONDS PREFECT_TASKS_DISABLE_CACHING PREFECT_TASKS_REFRESH_CACHE PREFECT_TASKS_RUNNER_PROCESS_POOL_MAX_WORKERS PREFECT_TASKS_RUNNER_THREAD_POOL_MAX_WORKERS PREFECT_TASKS_SCHEDULING_DEFAULT_STORAGE_BLOCK PREFECT_TASKS_SCHEDULING_DELETE_FAILED_SUBMISSIONS PREFECT_TELEMETRY_ENABLE_RESOURCE_METRICS PREFECT_TELEMETRY_RESOURCE_METRICS_INTERVAL_SECONDS PREFECT_TESTING_TEST_MODE PREFECT_TESTING_TEST_SETTING PREFECT_TESTING_UNIT_TEST_LOOP_DEBUG PREFECT_TESTING_UNIT_TEST_MODE PREFECT_WORKER_CANCELLATION_POLL_SECONDS PREFECT_WORKER_DEBUG_MODE PREFECT_WORKER_ENABLE_CANCELLATION PREFECT_WORKER_HEARTBEAT_SECONDS PREFECT_WORKER_PREFETCH_SECONDS PREFECT_WORKER_QUERY_SECONDS PREFECT_WORKER_WEBSERVER_HOST PREFECT_WORKER_WEBSERVER_PORT PREFECT_API_BLOCKS_REGISTER_ON_START PREFECT_API_DATABASE_CONNECTION_TIMEOUT PREFECT_API_DATABASE_CONNECTION_URL PREFECT_API_DATABASE_DRIVER PREFECT_API_DATABASE_ECHO PREFECT_API_DATABASE_HOST PREFECT_API_DATABASE_MIGRATE_ON_START PREFECT_API_DATABASE_NAME PREFECT_API_DATABASE_PASSWORD PREFECT_API_DATABASE_PORT PREFECT_API_DATABASE_TIMEOUT PREFECT_API_DATABASE_USER PREFECT_API_DEFAULT_LIMIT PREFECT_API_ENABLE_METRICS PREFECT_API_EVENTS_RELATED_RESOURCE_CACHE_TTL PREFECT_API_EVENTS_STREAM_OUT_ENABLED PREFECT_API_LOG_RETRYABLE_ERRORS PREFECT_API_MAX_FLOW_RUN_GRAPH_ARTIFACTS PREFECT_API_MAX_FLOW_RUN_GRAPH_NODES PREFECT_API_SERVICES_CANCELLATION_CLEANUP_ENABLED PREFECT_API_SERVICES_CANCELLATION_CLEANUP_LOOP_SECONDS PREFECT_API_SERVICES_EVENT_LOGGER_ENABLED PREFECT_API_SERVICES_EVENT_PERSISTER_BATCH_SIZE PREFECT_API_SERVICES_EVENT_PERSISTER_ENABLED PREFECT_API_SERVICES_EVENT_PERSISTER_FLUSH_INTERVAL PREFECT_API_SERVICES_EVENT_PERSISTER_READ_BATCH_SIZE PREFECT_API_SERVICES_FOREMAN_DEPLOYMENT_LAST_POLLED_TIMEOUT_SECONDS PREFECT_API_SERVICES_FOREMAN_ENABLED PREFECT_API_SERVICES_FOREMAN_FALLBACK_HEARTBEAT_INTERVAL_SECONDS PREFECT_API_SERVICES_FOREMAN_INACTIVITY_HEARTBEAT_MULTIPLE PREFECT_API_SERVICES_FOREMAN_LOOP_SECONDS PREFECT_API_SERVICES_FOREMAN_WORK_QUEUE_LAST_POLLED_TIMEOUT_SECONDS PREFECT_API_SERVICES_LATE_RUNS_AFTER_SECONDS PREFECT_API_SERVICES_LATE_RUNS_ENABLED PREFECT_API_SERVICES_LATE_RUNS_LOOP_SECONDS PREFECT_API_SERVICES_PAUSE_EXPIRATIONS_ENABLED PREFECT_API_SERVICES_PAUSE_EXPIRATIONS_LOOP_SECONDS PREFECT_API_SERVICES_SCHEDULER_DEPLOYMENT_BATCH_SIZE PREFECT_API_SERVICES_SCHEDULER_ENABLED PREFECT_API_SERVICES_SCHEDULER_INSERT_BATCH_SIZE PREFECT_API_SERVICES_SCHEDULER_LOOP_SECONDS PREFECT_API_SERVICES_SCHEDULER_MAX_RUNS PREFECT_API_SERVICES_SCHEDULER_MAX_SCHEDULED_TIME PREFECT_API_SERVICES_SCHEDULER_MIN_RUNS PREFECT_API_SERVICES_SCHEDULER_MIN_SCHEDULED_TIME PREFECT_API_SERVICES_TASK_RUN_RECORDER_ENABLED PREFECT_API_SERVICES_TRIGGERS_ENABLED PREFECT_API_TASK_CACHE_KEY_MAX_LENGTH PREFECT_CLIENT_ENABLE_METRICS PREFECT_DEFAULT_DOCKER_BUILD_NAMESPACE PREFECT_DEFAULT_RESULT_STORAGE_BLOCK PREFECT_DEFAULT_WORK_POOL_NAME PREFECT_DEPLOYMENT_CONCURRENCY_SLOT_WAIT_SECONDS PREFECT_DEPLOYMENT_SCHEDULE_MAX_SCHEDULED_RUNS PREFECT_EVENTS_EXPIRED_BUCKET_BUFFER PREFECT_EVENTS_MAXIMUM_LABELS_PER_RESOURCE PREFECT_EVENTS_MAXIMUM_RELATED_RESOURCES PREFECT_EVENTS_MAXIMUM_SIZE_BYTES PREFECT_EVENTS_MAXIMUM_WEBSOCKET_BACKFILL PREFECT_EVENTS_PROACTIVE_GRANULARITY PREFECT_EVENTS_RETENTION_PERIOD PREFECT_EVENTS_WEBSOCKET_BACKFILL_PAGE_SIZE PREFECT_EXPERIMENTAL_WARN PREFECT_EXPERIMENTS_PLUGINS_ALLOW PREFECT_EXPERIMENTS_PLUGINS_DENY PREFECT_EXPERIMENTS_PLUGINS_ENABLED PREFECT_EXPERIMENTS_PLUGINS_SAFE_MODE PREFECT_EXPERIMENTS_PLUGINS_SETUP_TIMEOUT_SECONDS PREFECT_EXPERIMENTS_PLUGINS_STRICT PREFECT_FLOW_DEFAULT_RETRIES PREFECT_FLOW_DEFAULT_RETRY_DELAY_SECONDS PREFECT_LOCAL_STORAGE_PATH PREFECT_LOGGING_INTERNAL_LEVEL PREFECT_LOGGING_SERVER_LEVEL PREFECT_LOGGING_SETTINGS_PATH PREFECT_MEMOIZE_BLOCK_AUTO_REGISTRATION PREFECT_MEMO_STORE_PATH PREFECT_MESSAGING_BROKER PREFECT_MESSAGING_CACHE PREFECT_RUNNER_HEARTBEAT_FREQUENCY PREFECT_SERVER_ALLOW_EPHEMERAL_MODE PREFECT_SERVER_CORS_ALLOWED_HEADERS PREFECT_SERVER_CORS_ALLOWED_METHODS PREFECT_SERVER_CORS_ALLOWED_ORIGINS PREFECT_SERVER_CSRF_PROTECTION_ENABLED PREFECT_SERVER_CSRF_TOKEN_EXPIRATION PREFECT_SQLALCHEMY_MAX_OVERFLOW PREFECT_SQLALCHEMY_POOL_SIZE PREFECT_TASK_DEFAULT_RETRIES PREFECT_TASK_DEFAULT_RETRY_DELAY_SECONDS PREFECT_TASK_RUNNER_THREAD_POOL_MAX_WORKERS PREFECT_TASK_RUN_TAG_CONCURRENCY_SLOT_WAIT_SECONDS PREFECT_TASK_SCHEDULING_DEFAULT_STORAGE_BLOCK PREFECT_TASK_SCHEDULING_DELETE_FAILED_SUBMISSIONS PREFECT_TASK_SCHEDULING_MAX_RETRY_QUEUE_SIZE PREFECT_TASK_SCHEDULING_MAX_SCHEDULED_QUEUE_SIZE PREFECT_TASK_SCHEDULING_PENDING_TASK_TIMEOUT PREFECT_TEST_MODE PREFECT_TEST_SETTING PREFECT_UI_API_URL PREFECT_UI_ENABLED PREFECT_UI_SERVE_BASE PREFECT_UI_STATIC_DIRECTORY PREFECT_UNIT_TEST_LOOP_DEBUG PREFECT_UNIT_TEST_MODE"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__config__subcmd__unset)
            opts="-y -q -v -p -h -V --yes --quiet --verbose --color --profile --help --version PREFECT_HOME PREFECT_PROFILES_PATH PREFECT_API_URL PREFECT_API_KEY PREFECT_API_AUTH_STRING PREFECT_API_REQUEST_TIMEOUT PREFECT_SERVER_API_HOST PREFECT_SERVER_API_PORT PREFECT_SERVER_API_KEEPALIVE_TIMEOUT PREFECT_SERVER_API_AUTH_STRING PREFECT_SERVER_ENCRYPTION_KEY PREFECT_SERVER_API_CSRF_PROTECTION_ENABLED PREFECT_SERVER_API_CSRF_TOKEN_EXPIRATION PREFECT_SERVER_API_CORS_ALLOWED_ORIGINS PREFECT_SERVER_API_CORS_ALLOWED_METHODS PREFECT_SERVER_API_CORS_ALLOWED_HEADERS PREFECT_SERVER_DATABASE_CONNECTION_URL PREFECT_SERVER_DATABASE_MIGRATE_ON_START PREFECT_SERVER_DATABASE_TIMEOUT PREFECT_SERVER_DATABASE_CONNECTION_TIMEOUT PREFECT_SERVER_SERVICES_FOREMAN_ENABLED PREFECT_SERVER_SERVICES_FOREMAN_LOOP_SECONDS PREFECT_SERVER_SERVICES_FOREMAN_INACTIVITY_HEARTBEAT_MULTIPLE PREFECT_SERVER_SERVICES_FOREMAN_FALLBACK_HEARTBEAT_INTERVAL_SECONDS PREFECT_SERVER_SERVICES_FOREMAN_DEPLOYMENT_LAST_POLLED_TIMEOUT_SECONDS PREFECT_SERVER_SERVICES_FOREMAN_WORK_QUEUE_LAST_POLLED_TIMEOUT_SECONDS PREFECT_SERVER_SERVICES_LATE_RUNS_ENABLED PREFECT_SERVER_SERVICES_LATE_RUNS_LOOP_SECONDS PREFECT_SERVER_SERVICES_LATE_RUNS_AFTER_SECONDS PREFECT_SERVER_SERVICES_PAUSE_EXPIRATIONS_ENABLED PREFECT_SERVER_SERVICES_PAUSE_EXPIRATIONS_LOOP_SECONDS PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED PREFECT_SERVER_EVENTS_PROACTIVE_GRANULARITY PREFECT_SERVER_EVENTS_EXPIRED_BUCKET_BUFFER PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS PREFECT_SERVER_SERVICES_SCHEDULER_RECENT_DEPLOYMENTS_LOOP_SECONDS PREFECT_SERVER_SERVICES_SCHEDULER_DEPLOYMENT_BATCH_SIZE PREFECT_SERVER_SERVICES_SCHEDULER_MAX_RUNS PREFECT_SERVER_SERVICES_SCHEDULER_MIN_RUNS PREFECT_SERVER_SERVICES_SCHEDULER_MAX_SCHEDULED_TIME PREFECT_SERVER_SERVICES_SCHEDULER_MIN_SCHEDULED_TIME PREFECT_SERVER_SERVICES_SCHEDULER_INSERT_BATCH_SIZE PREFECT_SERVER_SERVICES_REPOSSESSOR_ENABLED PREFECT_SERVER_SERVICES_REPOSSESSOR_LOOP_SECONDS PREFECT_SERVER_TASKS_TAG_CONCURRENCY_SLOT_WAIT_SECONDS PREFECT_SERVER_CONCURRENCY_MAXIMUM_CONCURRENCY_SLOT_WAIT_SECONDS PREFECT_SERVER_LOGGING_LEVEL PREFECT_LOGGING_LEVEL PREFECT_SERVER_UI_ENABLED PREFECT_SERVER_UI_API_URL PREFECT_UI_URL PREFECT_SERVER_ANALYTICS_ENABLED PREFECT_RS_SERVER_MODE PREFECT_RS_SERVER_IMAGE PREFECT_RS_SERVER_FLAVOR PREFECT_RS_SERVER_MAX_CONNECTIONS PREFECT_RS_SERVER_SERVICES_ZOMBIES_ENABLED PREFECT_RS_SERVER_SERVICES_ZOMBIES_LOOP_SECONDS PREFECT_RS_SERVER_SERVICES_ZOMBIES_AFTER_SECONDS PREFECT_RS_SERVER_HOST_IP PREFECT_RS_SERVER_PORT PREFECT_RS_SERVER_MAX_REQUEST_BODY_BYTES PREFECT_RS_SERVER_UI_API_URL PREFECT_RS_DOCKER_PROJECT PREFECT_RS_POSTGRES_IMAGE PREFECT_RS_POSTGRES_PORT PREFECT_RS_POSTGRES_USER PREFECT_RS_POSTGRES_DATABASE PREFECT_RS_POSTGRES_PASSWORD PREFECT_RS_POSTGRES_USE_VOLUME PREFECT_RS_POSTGRES_VOLUME_PATH PREFECT_API_ENABLE_HTTP2 PREFECT_API_SSL_CERT_FILE PREFECT_API_TLS_INSECURE_SKIP_VERIFY PREFECT_CLIENT_CSRF_SUPPORT_ENABLED PREFECT_CLIENT_CUSTOM_HEADERS PREFECT_CLIENT_MAX_RETRIES PREFECT_CLIENT_METRICS_ENABLED PREFECT_CLIENT_METRICS_PORT PREFECT_CLIENT_RETRY_EXTRA_CODES PREFECT_CLIENT_RETRY_JITTER_FACTOR PREFECT_CLIENT_SERVER_VERSION_CHECK_ENABLED PREFECT_CLI_COLORS PREFECT_CLI_PROMPT PREFECT_CLI_WRAP_LINES PREFECT_CLOUD_API_URL PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY PREFECT_CLOUD_MAX_LOG_SIZE PREFECT_CLOUD_UI_URL PREFECT_DEBUG_MODE PREFECT_DEPLOYMENTS_DEFAULT_DOCKER_BUILD_NAMESPACE PREFECT_DEPLOYMENTS_DEFAULT_WORK_POOL_NAME PREFECT_EVENTS_WORKER_MAX_QUEUE_SIZE PREFECT_EXPERIMENTS_WARN PREFECT_FLOWS_DEFAULT_RETRIES PREFECT_FLOWS_DEFAULT_RETRY_DELAY_SECONDS PREFECT_FLOWS_HEARTBEAT_FREQUENCY PREFECT_INTERNAL_LOGGING_LEVEL PREFECT_LOGGING_COLORS PREFECT_LOGGING_CONFIG_PATH PREFECT_LOGGING_EXTRA_LOGGERS PREFECT_LOGGING_LOG_PRINTS PREFECT_LOGGING_MARKUP PREFECT_LOGGING_TO_API_BATCH_INTERVAL PREFECT_LOGGING_TO_API_BATCH_SIZE PREFECT_LOGGING_TO_API_ENABLED PREFECT_LOGGING_TO_API_MAX_LOG_SIZE PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW PREFECT_PLUGINS_ALLOW PREFECT_PLUGINS_DENY PREFECT_PLUGINS_ENABLED PREFECT_PLUGINS_SAFE_MODE PREFECT_PLUGINS_SETUP_TIMEOUT_SECONDS PREFECT_PLUGINS_STRICT PREFECT_RESULTS_DEFAULT_SERIALIZER PREFECT_RESULTS_DEFAULT_STORAGE_BLOCK PREFECT_RESULTS_LOCAL_STORAGE_PATH PREFECT_RESULTS_PERSIST_BY_DEFAULT PREFECT_RUNNER_AUTO_INSTALL_DEPENDENCIES PREFECT_RUNNER_CRASH_ON_CANCELLATION_FAILURE PREFECT_RUNNER_POLL_FREQUENCY PREFECT_RUNNER_PROCESS_LIMIT PREFECT_RUNNER_SERVER_ENABLE PREFECT_RUNNER_SERVER_HOST PREFECT_RUNNER_SERVER_LOG_LEVEL PREFECT_RUNNER_SERVER_MISSED_POLLS_TOLERANCE PREFECT_RUNNER_SERVER_PORT PREFECT_SERVER_API_BASE_PATH PREFECT_SERVER_API_DEFAULT_LIMIT PREFECT_SERVER_API_MAX_PARAMETER_SIZE PREFECT_SERVER_API_WEBSOCKET_PING_INTERVAL PREFECT_SERVER_API_WEBSOCKET_PING_TIMEOUT PREFECT_SERVER_CONCURRENCY_INITIAL_DEPLOYMENT_LEASE_DURATION PREFECT_SERVER_CONCURRENCY_LEASE_STORAGE PREFECT_SERVER_DATABASE_DRIVER PREFECT_SERVER_DATABASE_ECHO PREFECT_SERVER_DATABASE_HOST PREFECT_SERVER_DATABASE_MIGRATION_TIMEOUT PREFECT_SERVER_DATABASE_NAME PREFECT_SERVER_DATABASE_PASSWORD PREFECT_SERVER_DATABASE_PORT PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_APPLICATION_NAME PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_PREPARED_STATEMENT_CACHE_SIZE PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_SEARCH_PATH PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_STATEMENT_CACHE_SIZE PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_TLS_CA_FILE PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_TLS_CERT_FILE PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_TLS_CHECK_HOSTNAME PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_TLS_ENABLED PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_TLS_KEY_FILE PREFECT_SERVER_DATABASE_SQLALCHEMY_MAX_OVERFLOW PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_RECYCLE PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_SIZE PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_TIMEOUT PREFECT_SERVER_DATABASE_USER PREFECT_SERVER_DEPLOYMENTS_CONCURRENCY_SLOT_WAIT_SECONDS PREFECT_SERVER_DEPLOYMENT_SCHEDULE_MAX_SCHEDULED_RUNS PREFECT_SERVER_DOCKET_NAME PREFECT_SERVER_DOCKET_URL PREFECT_SERVER_EPHEMERAL_ENABLED PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS PREFECT_SERVER_EVENTS_CAUSAL_ORDERING PREFECT_SERVER_EVENTS_MAXIMUM_EVENT_NAME_LENGTH PREFECT_SERVER_EVENTS_MAXIMUM_LABELS_PER_RESOURCE PREFECT_SERVER_EVENTS_MAXIMUM_RELATED_RESOURCES PREFECT_SERVER_EVENTS_MAXIMUM_SIZE_BYTES PREFECT_SERVER_EVENTS_MAXIMUM_WEBSOCKET_BACKFILL PREFECT_SERVER_EVENTS_MESSAGING_BROKER PREFECT_SERVER_EVENTS_MESSAGING_CACHE PREFECT_SERVER_EVENTS_RELATED_RESOURCE_CACHE_TTL PREFECT_SERVER_EVENTS_RETENTION_PERIOD PREFECT_SERVER_EVENTS_STREAM_OUT_ENABLED PREFECT_SERVER_EVENTS_WEBSOCKET_BACKFILL_PAGE_SIZE PREFECT_SERVER_FLOW_RUN_GRAPH_MAX_ARTIFACTS PREFECT_SERVER_FLOW_RUN_GRAPH_MAX_NODES PREFECT_SERVER_LOGS_STREAM_OUT_ENABLED PREFECT_SERVER_LOGS_STREAM_PUBLISHING_ENABLED PREFECT_SERVER_LOG_RETRYABLE_ERRORS PREFECT_SERVER_MEMOIZE_BLOCK_AUTO_REGISTRATION PREFECT_SERVER_MEMO_STORE_PATH PREFECT_SERVER_METRICS_ENABLED PREFECT_SERVER_REGISTER_BLOCKS_ON_START PREFECT_SERVER_SERVICES_CANCELLATION_CLEANUP_CANCELLING_TIMEOUT_SECONDS PREFECT_SERVER_SERVICES_CANCELLATION_CLEANUP_ENABLED PREFECT_SERVER_SERVICES_CANCELLATION_CLEANUP_LOOP_SECONDS PREFECT_SERVER_SERVICES_CLEANUP_RECONCILER_BATCH_SIZE PREFECT_SERVER_SERVICES_CLEANUP_RECONCILER_ENABLED PREFECT_SERVER_SERVICES_CLEANUP_RECONCILER_LOOP_SECONDS PREFECT_SERVER_SERVICES_DB_VACUUM_BATCH_SIZE PREFECT_SERVER_SERVICES_DB_VACUUM_ENABLED PREFECT_SERVER_SERVICES_DB_VACUUM_EVENT_RETENTION_OVERRIDES PREFECT_SERVER_SERVICES_DB_VACUUM_LOOP_SECONDS PREFECT_SERVER_SERVICES_DB_VACUUM_ORPHAN_CLEANUP_LOOP_SECONDS PREFECT_SERVER_SERVICES_DB_VACUUM_RETENTION_PERIOD PREFECT_SERVER_SERVICES_EVENT_LOGGER_ENABLED PREFECT_SERVER_SERVICES_EVENT_PERSISTER_BATCH_SIZE PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED PREFECT_SERVER_SERVICES_EVENT_PERSISTER_FLUSH_INTERVAL PREFECT_SERVER_SERVICES_EVENT_PERSISTER_MAX_FLUSH_RETRIES PREFECT_SERVER_SERVICES_EVENT_PERSISTER_QUEUE_MAX_SIZE PREFECT_SERVER_SERVICES_EVENT_PERSISTER_READ_BATCH_SIZE PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_FLUSH_INTERVAL PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_READ_BATCH_SIZE PREFECT_SERVER_SERVICES_TRIGGERS_PG_NOTIFY_HEARTBEAT_INTERVAL_SECONDS PREFECT_SERVER_SERVICES_TRIGGERS_PG_NOTIFY_RECONNECT_INTERVAL_SECONDS PREFECT_SERVER_SERVICES_TRIGGERS_READ_BATCH_SIZE PREFECT_SERVER_TASKS_MAX_CACHE_KEY_LENGTH PREFECT_SERVER_TASKS_SCHEDULING_MAX_RETRY_QUEUE_SIZE PREFECT_SERVER_TASKS_SCHEDULING_MAX_SCHEDULED_QUEUE_SIZE PREFECT_SERVER_TASKS_SCHEDULING_PENDING_TASK_TIMEOUT PREFECT_SERVER_UI_SERVE_BASE PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT PREFECT_SERVER_UI_STATIC_DIRECTORY PREFECT_SERVER_UI_V2_ENABLED PREFECT_SERVER_WORKER_CHANNEL_CLEANUP_COMPLETED_IDEMPOTENCY_RETENTION_SECONDS PREFECT_SERVER_WORKER_CHANNEL_CLEANUP_LEASE_SECONDS PREFECT_SERVER_WORKER_CHANNEL_CLEANUP_MAX_DELIVERY_ATTEMPTS PREFECT_SERVER_WORKER_CHANNEL_CLEANUP_QUEUE_STORAGE PREFECT_SILENCE_API_URL_MISCONFIGURATION PREFECT_TASKS_DEFAULT_NO_CACHE PREFECT_TASKS_DEFAULT_PERSIST_RESULT PREFECT_TASKS_DEFAULT_RETRIES PREFECT_TASKS_DEFAULT_RETRY_DELAY_SECONDS PREFECT_TASKS_DISABLE_CACHING PREFECT_TASKS_REFRESH_CACHE PREFECT_TASKS_RUNNER_PROCESS_POOL_MAX_WORKERS PREFECT_TASKS_RUNNER_THREAD_POOL_MAX_WORKERS PREFECT_TASKS_SCHEDULING_DEFAULT_STORAGE_BLOCK PREFECT_TASKS_SCHEDULING_DELETE_FAILED_SUBMISSIONS PREFECT_TELEMETRY_ENABLE_RESOURCE_METRICS PREFECT_TELEMETRY_RESOURCE_METRICS_INTERVAL_SECONDS PREFECT_TESTING_TEST_MODE PREFECT_TESTING_TEST_SETTING PREFECT_TESTING_UNIT_TEST_LOOP_DEBUG PREFECT_TESTING_UNIT_TEST_MODE PREFECT_WORKER_CANCELLATION_POLL_SECONDS PREFECT_WORKER_DEBUG_MODE PREFECT_WORKER_ENABLE_CANCELLATION PREFECT_WORKER_HEARTBEAT_SECONDS PREFECT_WORKER_PREFETCH_SECONDS PREFECT_WORKER_QUERY_SECONDS PREFECT_WORKER_WEBSERVER_HOST PREFECT_WORKER_WEBSERVER_PORT PREFECT_API_BLOCKS_REGISTER_ON_START PREFECT_API_DATABASE_CONNECTION_TIMEOUT PREFECT_API_DATABASE_CONNECTION_URL PREFECT_API_DATABASE_DRIVER PREFECT_API_DATABASE_ECHO PREFECT_API_DATABASE_HOST PREFECT_API_DATABASE_MIGRATE_ON_START PREFECT_API_DATABASE_NAME PREFECT_API_DATABASE_PASSWORD PREFECT_API_DATABASE_PORT PREFECT_API_DATABASE_TIMEOUT PREFECT_API_DATABASE_USER PREFECT_API_DEFAULT_LIMIT PREFECT_API_ENABLE_METRICS PREFECT_API_EVENTS_RELATED_RESOURCE_CACHE_TTL PREFECT_API_EVENTS_STREAM_OUT_ENABLED PREFECT_API_LOG_RETRYABLE_ERRORS PREFECT_API_MAX_FLOW_RUN_GRAPH_ARTIFACTS PREFECT_API_MAX_FLOW_RUN_GRAPH_NODES PREFECT_API_SERVICES_CANCELLATION_CLEANUP_ENABLED PREFECT_API_SERVICES_CANCELLATION_CLEANUP_LOOP_SECONDS PREFECT_API_SERVICES_EVENT_LOGGER_ENABLED PREFECT_API_SERVICES_EVENT_PERSISTER_BATCH_SIZE PREFECT_API_SERVICES_EVENT_PERSISTER_ENABLED PREFECT_API_SERVICES_EVENT_PERSISTER_FLUSH_INTERVAL PREFECT_API_SERVICES_EVENT_PERSISTER_READ_BATCH_SIZE PREFECT_API_SERVICES_FOREMAN_DEPLOYMENT_LAST_POLLED_TIMEOUT_SECONDS PREFECT_API_SERVICES_FOREMAN_ENABLED PREFECT_API_SERVICES_FOREMAN_FALLBACK_HEARTBEAT_INTERVAL_SECONDS PREFECT_API_SERVICES_FOREMAN_INACTIVITY_HEARTBEAT_MULTIPLE PREFECT_API_SERVICES_FOREMAN_LOOP_SECONDS PREFECT_API_SERVICES_FOREMAN_WORK_QUEUE_LAST_POLLED_TIMEOUT_SECONDS PREFECT_API_SERVICES_LATE_RUNS_AFTER_SECONDS PREFECT_API_SERVICES_LATE_RUNS_ENABLED PREFECT_API_SERVICES_LATE_RUNS_LOOP_SECONDS PREFECT_API_SERVICES_PAUSE_EXPIRATIONS_ENABLED PREFECT_API_SERVICES_PAUSE_EXPIRATIONS_LOOP_SECONDS PREFECT_API_SERVICES_SCHEDULER_DEPLOYMENT_BATCH_SIZE PREFECT_API_SERVICES_SCHEDULER_ENABLED PREFECT_API_SERVICES_SCHEDULER_INSERT_BATCH_SIZE PREFECT_API_SERVICES_SCHEDULER_LOOP_SECONDS PREFECT_API_SERVICES_SCHEDULER_MAX_RUNS PREFECT_API_SERVICES_SCHEDULER_MAX_SCHEDULED_TIME PREFECT_API_SERVICES_SCHEDULER_MIN_RUNS PREFECT_API_SERVICES_SCHEDULER_MIN_SCHEDULED_TIME PREFECT_API_SERVICES_TASK_RUN_RECORDER_ENABLED PREFECT_API_SERVICES_TRIGGERS_ENABLED PREFECT_API_TASK_CACHE_KEY_MAX_LENGTH PREFECT_CLIENT_ENABLE_METRICS PREFECT_DEFAULT_DOCKER_BUILD_NAMESPACE PREFECT_DEFAULT_RESULT_STORAGE_BLOCK PREFECT_DEFAULT_WORK_POOL_NAME PREFECT_DEPLOYMENT_CONCURRENCY_SLOT_WAIT_SECONDS PREFECT_DEPLOYMENT_SCHEDULE_MAX_SCHEDULED_RUNS PREFECT_EVENTS_EXPIRED_BUCKET_BUFFER PREFECT_EVENTS_MAXIMUM_LABELS_PER_RESOURCE PREFECT_EVENTS_MAXIMUM_RELATED_RESOURCES PREFECT_EVENTS_MAXIMUM_SIZE_BYTES PREFECT_EVENTS_MAXIMUM_WEBSOCKET_BACKFILL PREFECT_EVENTS_PROACTIVE_GRANULARITY PREFECT_EVENTS_RETENTION_PERIOD PREFECT_EVENTS_WEBSOCKET_BACKFILL_PAGE_SIZE PREFECT_EXPERIMENTAL_WARN PREFECT_EXPERIMENTS_PLUGINS_ALLOW PREFECT_EXPERIMENTS_PLUGINS_DENY PREFECT_EXPERIMENTS_PLUGINS_ENABLED PREFECT_EXPERIMENTS_PLUGINS_SAFE_MODE PREFECT_EXPERIMENTS_PLUGINS_SETUP_TIMEOUT_SECONDS PREFECT_EXPERIMENTS_PLUGINS_STRICT PREFECT_FLOW_DEFAULT_RETRIES PREFECT_FLOW_DEFAULT_RETRY_DELAY_SECONDS PREFECT_LOCAL_STORAGE_PATH PREFECT_LOGGING_INTERNAL_LEVEL PREFECT_LOGGING_SERVER_LEVEL PREFECT_LOGGING_SETTINGS_PATH PREFECT_MEMOIZE_BLOCK_AUTO_REGISTRATION PREFECT_MEMO_STORE_PATH PREFECT_MESSAGING_BROKER PREFECT_MESSAGING_CACHE PREFECT_RUNNER_HEARTBEAT_FREQUENCY PREFECT_SERVER_ALLOW_EPHEMERAL_MODE PREFECT_SERVER_CORS_ALLOWED_HEADERS PREFECT_SERVER_CORS_ALLOWED_METHODS PREFECT_SERVER_CORS_ALLOWED_ORIGINS PREFECT_SERVER_CSRF_PROTECTION_ENABLED PREFECT_SERVER_CSRF_TOKEN_EXPIRATION PREFECT_SQLALCHEMY_MAX_OVERFLOW PREFECT_SQLALCHEMY_POOL_SIZE PREFECT_TASK_DEFAULT_RETRIES PREFECT_TASK_DEFAULT_RETRY_DELAY_SECONDS PREFECT_TASK_RUNNER_THREAD_POOL_MAX_WORKERS PREFECT_TASK_RUN_TAG_CONCURRENCY_SLOT_WAIT_SECONDS PREFECT_TASK_SCHEDULING_DEFAULT_STORAGE_BLOCK PREFECT_TASK_SCHEDULING_DELETE_FAILED_SUBMISSIONS PREFECT_TASK_SCHEDULING_MAX_RETRY_QUEUE_SIZE PREFECT_TASK_SCHEDULING_MAX_SCHEDULED_QUEUE_SIZE PREFECT_TASK_SCHEDULING_PENDING_TASK_TIMEOUT PREFECT_TEST_MODE PREFECT_TEST_SETTING PREFECT_UI_API_URL PREFECT_UI_ENABLED PREFECT_UI_SERVE_BASE PREFECT_UI_STATIC_DIRECTORY PREFECT_UNIT_TEST_LOOP_DEBUG PREFECT_UNIT_TEST_MODE"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__config__subcmd__validate)
            opts="-q -v -p -h -V --fix --quiet --verbose --color --profile --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__config__subcmd__view)
            opts="-o -q -v -p -h -V --show-defaults --hide-defaults --show-sources --hide-sources --show-secrets --hide-secrets --output --quiet --verbose --color --profile --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                -o)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__help)
            opts="config profile server completions help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__help__subcmd__completions)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__help__subcmd__config)
            opts="set unset view validate"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__help__subcmd__config__subcmd__set)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__help__subcmd__config__subcmd__unset)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__help__subcmd__config__subcmd__validate)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__help__subcmd__config__subcmd__view)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__help__subcmd__profile)
            opts="ls create use delete rename inspect populate-defaults"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__help__subcmd__profile__subcmd__create)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__help__subcmd__profile__subcmd__delete)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__help__subcmd__profile__subcmd__inspect)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__help__subcmd__profile__subcmd__ls)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__help__subcmd__profile__subcmd__populate__subcmd__defaults)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__help__subcmd__profile__subcmd__rename)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__help__subcmd__profile__subcmd__use)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__help__subcmd__server)
            opts="start stop status logs config database"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__help__subcmd__server__subcmd__config)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__help__subcmd__server__subcmd__database)
            opts="upgrade downgrade reset history current"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__help__subcmd__server__subcmd__database__subcmd__current)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__help__subcmd__server__subcmd__database__subcmd__downgrade)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__help__subcmd__server__subcmd__database__subcmd__history)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__help__subcmd__server__subcmd__database__subcmd__reset)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__help__subcmd__server__subcmd__database__subcmd__upgrade)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__help__subcmd__server__subcmd__logs)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__help__subcmd__server__subcmd__start)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__help__subcmd__server__subcmd__status)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__help__subcmd__server__subcmd__stop)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__profile)
            opts="-q -v -p -h -V --quiet --verbose --color --profile --help --version ls create use delete rename inspect populate-defaults help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__profile__subcmd__create)
            opts="-q -v -p -h -V --from --quiet --verbose --color --profile --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --from)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__profile__subcmd__delete)
            opts="-y -q -v -p -h -V --yes --quiet --verbose --color --profile --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__profile__subcmd__help)
            opts="ls create use delete rename inspect populate-defaults help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__profile__subcmd__help__subcmd__create)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__profile__subcmd__help__subcmd__delete)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__profile__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__profile__subcmd__help__subcmd__inspect)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__profile__subcmd__help__subcmd__ls)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__profile__subcmd__help__subcmd__populate__subcmd__defaults)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__profile__subcmd__help__subcmd__rename)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__profile__subcmd__help__subcmd__use)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__profile__subcmd__inspect)
            opts="-o -q -v -p -h -V --show-secrets --output --quiet --verbose --color --profile --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                -o)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__profile__subcmd__ls)
            opts="-o -q -v -p -h -V --output --quiet --verbose --color --profile --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                -o)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__profile__subcmd__populate__subcmd__defaults)
            opts="-y -q -v -p -h -V --yes --quiet --verbose --color --profile --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__profile__subcmd__rename)
            opts="-q -v -p -h -V --quiet --verbose --color --profile --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__profile__subcmd__use)
            opts="-q -v -p -h -V --quiet --verbose --color --profile --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__server)
            opts="-q -v -p -h -V --quiet --verbose --color --profile --help --version start stop status logs config database help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__server__subcmd__config)
            opts="-o -q -v -p -h -V --output --quiet --verbose --color --profile --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --output)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -o)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__server__subcmd__database)
            opts="-q -v -p -h -V --quiet --verbose --color --profile --help --version upgrade downgrade reset history current help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__server__subcmd__database__subcmd__current)
            opts="-o -q -v -p -h -V --output --quiet --verbose --color --profile --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                -o)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__server__subcmd__database__subcmd__downgrade)
            opts="-y -r -q -v -p -h -V --yes --revision --dry-run --quiet --verbose --color --profile --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --revision)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -r)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__server__subcmd__database__subcmd__help)
            opts="upgrade downgrade reset history current help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__server__subcmd__database__subcmd__help__subcmd__current)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__server__subcmd__database__subcmd__help__subcmd__downgrade)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__server__subcmd__database__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__server__subcmd__database__subcmd__help__subcmd__history)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__server__subcmd__database__subcmd__help__subcmd__reset)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__server__subcmd__database__subcmd__help__subcmd__upgrade)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__server__subcmd__database__subcmd__history)
            opts="-o -q -v -p -h -V --output --quiet --verbose --color --profile --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                -o)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__server__subcmd__database__subcmd__reset)
            opts="-y -q -v -p -h -V --yes --quiet --verbose --color --profile --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__server__subcmd__database__subcmd__upgrade)
            opts="-y -r -q -v -p -h -V --yes --revision --dry-run --quiet --verbose --color --profile --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --revision)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -r)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__server__subcmd__help)
            opts="start stop status logs config database help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__server__subcmd__help__subcmd__config)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__server__subcmd__help__subcmd__database)
            opts="upgrade downgrade reset history current"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__server__subcmd__help__subcmd__database__subcmd__current)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__server__subcmd__help__subcmd__database__subcmd__downgrade)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__server__subcmd__help__subcmd__database__subcmd__history)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__server__subcmd__help__subcmd__database__subcmd__reset)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__server__subcmd__help__subcmd__database__subcmd__upgrade)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__server__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__server__subcmd__help__subcmd__logs)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__server__subcmd__help__subcmd__start)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__server__subcmd__help__subcmd__status)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__server__subcmd__help__subcmd__stop)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__server__subcmd__logs)
            opts="-f -q -v -p -h -V --no-docker --follow --tail --quiet --verbose --color --profile --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --tail)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__server__subcmd__start)
            opts="-d -b -q -v -p -h -V --no-docker --host --port --expose --postgres-port --use-volume --volume-path --pull --log-level --keep-alive-timeout --no-services --detach --background --timeout --detached-child --quiet --verbose --color --profile --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --host)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --postgres-port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --volume-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pull)
                    COMPREPLY=($(compgen -W "missing always never" -- "${cur}"))
                    return 0
                    ;;
                --log-level)
                    COMPREPLY=($(compgen -W "DEBUG INFO WARNING ERROR CRITICAL" -- "${cur}"))
                    return 0
                    ;;
                --keep-alive-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__server__subcmd__status)
            opts="-o -q -v -p -h -V --no-docker --wait --timeout --output --quiet --verbose --color --profile --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                -o)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        prefect__rs__subcmd__server__subcmd__stop)
            opts="-y -q -v -p -h -V --no-docker --timeout --remove-data --yes --quiet --verbose --color --profile --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
    esac
}

if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -F _prefect__rs -o nosort -o bashdefault -o default prefect-rs
else
    complete -F _prefect__rs -o bashdefault -o default prefect-rs
fi
