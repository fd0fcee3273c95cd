DROP TABLE variable;
DROP TABLE artifact_collection;
DROP TABLE artifact;
