DROP TABLE saved_search;
DROP TABLE automation_event_follower;
DROP TABLE composite_trigger_child_firing;
DROP TABLE automation_held_event;
DROP TABLE automation_bucket;
DROP TABLE automation_related_resource;
DROP TABLE automation;
